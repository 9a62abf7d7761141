import { z } from 'zod';
import { SynthTasksError } from '../errors.js';
import { classifyProsQAPath } from './classify.js';
import { childrenOf, distancesFrom } from './graph.js';
import type { ProsQARecord } from './record.js';
import { parseQuestion } from './sentences.js';

/**
 * One record of the Coconut authors' released ProsQA files (`data/prosqa_{train,valid,test}.json` in
 * facebookresearch/coconut): the question text, the steps and answer, and the graph behind them.
 */
export interface ReleasedProsQARecord {
  /** One sentence per edge, then "Is <entity> a <A> or <B>?". */
  question: string;
  /** The sentences of one shortest path from the root to the target. */
  steps: string[];
  /** "<entity> is a <target>." */
  answer: string;
  /** Name of each node. */
  idx_to_symbol: string[];
  /** Directed edges [parent, child]. */
  edges: [number, number][];
  /** The entity's node. */
  root: number;
  /** The correct option's node. */
  target: number;
  /** The wrong option's node. */
  neg_target: number;
}

/** The splits of the released files. */
export type ProsQASplit = 'train' | 'valid' | 'test';

const nodeId = z
  .number('must be a node id (an integer)')
  .int('must be an integer')
  .nonnegative('must be >= 0');
const releasedRecordSchema = z.object({
  question: z.string('must be a string'),
  steps: z.array(z.string('must be a string'), 'must be an array of sentences'),
  answer: z.string('must be a string'),
  idx_to_symbol: z.array(z.string('must be a string'), 'must be an array of names'),
  edges: z.array(z.tuple([nodeId, nodeId], 'must be a [parent, child] pair'), 'must be an array of edges'),
  root: nodeId,
  target: nodeId,
  neg_target: nodeId,
});

/** Options of {@link parseReleasedProsQA}. */
export interface ParseReleasedProsQAOptions {
  /** The file's text: a JSON array of {@link ReleasedProsQARecord}. */
  text: string;
  /**
   * The split the records belong to.
   * @default read from the source name `prosqa_<train|valid|test>.json`
   */
  split?: ProsQASplit;
  /**
   * Name shown in error messages (the file path, usually).
   * @default '<prosqa json>'
   */
  source?: string;
}

/**
 * Reads a released ProsQA file into this package's records (`idx_to_symbol` → `graph.symbols`,
 * `neg_target` → `graph.negTarget`; texts unchanged), so the evaluators, the path classifier and
 * {@link prosqaStats} work on the real data. Every record is validated: its fields' types, node ids within
 * `idx_to_symbol`, the answer "<entity> is a <target>.", a target the entity reaches and a negative option it
 * does not, steps that form a shortest path from the entity to the target, and a question whose sentences
 * are exactly the edges and whose final question names the entity and both options. A violation throws a
 * BAD_DATASET error naming the source, the record's 0-based index in the array and the field.
 */
export function parseReleasedProsQA(options: ParseReleasedProsQAOptions): ProsQARecord[] {
  const source = options.source ?? '<prosqa json>';
  const split = options.split ?? splitFromName(source);
  let data: unknown;
  try {
    data = JSON.parse(options.text);
  } catch (error) {
    throw new SynthTasksError('BAD_DATASET', `${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) {
    throw new SynthTasksError('BAD_DATASET', `${source}: expected a JSON array of ProsQA records`);
  }
  return data.map((value, index) => {
    const fail = (field: string, why: string): never => {
      throw new SynthTasksError('BAD_DATASET', `${source}: record ${index}: field "${field}" ${why}`);
    };
    const parsed = releasedRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(issue?.path.join('.') || '(record)', issue?.message ?? 'is invalid');
    }
    return checkedRecord(fromReleased(parsed.data, split), fail);
  });
}

/** The split named by a file called `…prosqa_<split>.json`; throws when the name does not say. */
function splitFromName(source: string): ProsQASplit {
  const match = /prosqa_(train|valid|test)\.json$/.exec(source);
  if (!match) {
    throw new SynthTasksError(
      'INVALID_OPTIONS',
      `parseReleasedProsQA: option "split" is needed because the source name "${source}" does not end in ` +
        'prosqa_<train|valid|test>.json',
    );
  }
  return match[1] as ProsQASplit;
}

function fromReleased(r: z.output<typeof releasedRecordSchema>, split: ProsQASplit): ProsQARecord {
  return {
    task: 'prosqa',
    split,
    question: r.question,
    steps: r.steps,
    answer: r.answer,
    graph: {
      symbols: r.idx_to_symbol,
      edges: r.edges,
      root: r.root,
      target: r.target,
      negTarget: r.neg_target,
    },
  };
}

/** Converts records to the released files' layout (the inverse of {@link parseReleasedProsQA}). */
export function toReleasedProsQA(records: readonly ProsQARecord[]): ReleasedProsQARecord[] {
  return records.map(({ question, steps, answer, graph }) => ({
    question,
    steps,
    answer,
    idx_to_symbol: graph.symbols,
    edges: graph.edges,
    root: graph.root,
    target: graph.target,
    neg_target: graph.negTarget,
  }));
}

/** The consistency checks of {@link parseReleasedProsQA}, reported under the released field names. */
function checkedRecord(record: ProsQARecord, fail: (field: string, why: string) => never): ProsQARecord {
  const { symbols, edges, root, target, negTarget } = record.graph;
  const count = symbols.length;
  const repeated = symbols.find((name, i) => symbols.indexOf(name) !== i);
  if (repeated !== undefined) fail('idx_to_symbol', `names two nodes "${repeated}"`);
  edges.forEach(([p, c], k) => {
    if (p >= count) fail(`edges.${k}.0`, `is ${p}, beyond the ${count} nodes of idx_to_symbol`);
    if (c >= count) fail(`edges.${k}.1`, `is ${c}, beyond the ${count} nodes of idx_to_symbol`);
  });
  const nodes = { root, target, neg_target: negTarget };
  for (const [field, id] of Object.entries(nodes)) {
    if (id >= count) fail(field, `is ${id}, beyond the ${count} nodes of idx_to_symbol`);
  }
  const expected = `${symbols[root]} is a ${symbols[target]}.`;
  if (record.answer !== expected) fail('answer', `is "${record.answer}", expected "${expected}"`);
  const dist = distancesFrom(root, childrenOf(count, edges));
  if (!Number.isFinite(dist[target])) fail('target', `(${symbols[target]}) is not reachable from the root`);
  if (Number.isFinite(dist[negTarget]))
    fail('neg_target', `(${symbols[negTarget]}) is reachable from the root`);
  const path = classifyProsQAPath({ record, steps: record.steps, answer: record.answer });
  if (path !== 'correct_path' || record.steps.length !== dist[target]) {
    fail('steps', `are not a shortest path from ${symbols[root]} to ${symbols[target]} (${path})`);
  }
  checkQuestion(record, (why) => fail('question', why));
  return record;
}

/** The question's sentences must be exactly the edges, and it must ask about the root and both options. */
function checkQuestion({ question, graph }: ProsQARecord, fail: (why: string) => never) {
  const { symbols, edges, root, target, negTarget } = graph;
  const { entity, options, facts } = parseQuestion(question, fail);
  const asked = [entity, ...options.slice().sort()].join(' ');
  const wanted = [symbols[root], ...[symbols[target], symbols[negTarget]].sort()].join(' ');
  if (asked !== wanted) fail(`asks "${asked}", expected entity and options "${wanted}"`);
  const stated = new Set(facts.map(([p, c]) => `${p} is a ${c}`));
  const drawn = new Set(edges.map(([p, c]) => `${symbols[p]} is a ${symbols[c]}`));
  const unstated = [...drawn].find((edge) => !stated.has(edge));
  const extra = [...stated].find((fact) => !drawn.has(fact));
  if (unstated !== undefined) fail(`does not state the edge "${unstated}"`);
  if (extra !== undefined) fail(`states "${extra}", which is not an edge`);
  if (facts.length !== edges.length) fail(`has ${facts.length} sentences for ${edges.length} edges`);
}
