import { drawRecords } from '../generate.js';
import { type BaseOptions, baseOptionsSchema, intIn, parseOptions } from '../options.js';
import type { Rng } from '../random.js';
import { CONCEPT_WORDS, PERSON_NAMES } from '../vocab/fictional.js';
import { childrenOf, distancesFrom, FROM_OTHER, FROM_ROOT, pruneUnrelated, sampleDag } from './graph.js';
import type { ProsQAGraph, ProsQARecord } from './record.js';
import { edgeSentence } from './sentences.js';

/** Options of {@link generateProsQA}. */
export interface ProsQAOptions extends BaseOptions {
  /**
   * Smallest number of nodes N drawn for Algorithm 1 (N is uniform in [minNodes, maxNodes]); nodes unrelated
   * to the two initial nodes are then pruned. This is the size knob; the defaults give statistics near the
   * paper's (≈23 nodes, ≈36 edges, shortest path ≈3.8 after pruning).
   * @default 22
   */
  minNodes?: number;
  /**
   * Largest number of nodes.
   * @default 32
   */
  maxNodes?: number;
  /**
   * Fewest reasoning steps (root-to-target distance); graphs without such a target are redrawn.
   * @default 3
   */
  minSteps?: number;
  /**
   * Most reasoning steps (the Coconut curriculum has 6 stages).
   * @default 6
   */
  maxSteps?: number;
}

const schema = baseOptionsSchema
  .extend({
    minNodes: intIn(4, 200).default(22),
    maxNodes: intIn(4, 200).default(32),
    minSteps: intIn(1, 50).default(3),
    maxSteps: intIn(1, 50).default(6),
  })
  .refine((o) => o.minNodes <= o.maxNodes, { message: 'must be <= maxNodes', path: ['minNodes'] })
  .refine((o) => o.minSteps <= o.maxSteps, { message: 'must be <= maxSteps', path: ['minSteps'] });

/**
 * Generates ProsQA questions: a DAG from the Coconut paper's Algorithm 1, one sentence per edge (shuffled),
 * "Is <root> a <A> or <B>?", the sentences of one shortest path as steps, and "<root> is a <target>." as answer.
 */
export function generateProsQA(options: ProsQAOptions): ProsQARecord[] {
  return [...prosqaRecords(options)];
}

/** Lazy form of {@link generateProsQA}, for large datasets and the CLI. */
export function* prosqaRecords(options: ProsQAOptions): Generator<ProsQARecord> {
  const opts = parseOptions(schema, options, 'generateProsQA');
  yield* drawRecords(
    'prosqa',
    opts,
    (rng, split) => {
      const graph = sampleGraph(rng, rng.int(opts.minNodes, opts.maxNodes), opts.minSteps, opts.maxSteps);
      return graph && buildRecord(rng, split, graph);
    },
    (record) => record.question,
  );
}

/** One Algorithm-1 DAG with a root, a target at an allowed distance and a negative target, or undefined. */
function sampleGraph(
  rng: Rng,
  drawnNodes: number,
  minSteps: number,
  maxSteps: number,
): ProsQAGraph | undefined {
  const { edges, labels } = pruneUnrelated(sampleDag(rng, drawnNodes));
  const nodeCount = labels.length;
  const children = childrenOf(nodeCount, edges);
  const dist = distancesFrom(0, children);
  const leaves = children.flatMap((c, node) => (c.length === 0 ? [node] : []));
  const targets = leaves.filter(
    (n) => labels[n] === FROM_ROOT && (dist[n] as number) >= minSteps && (dist[n] as number) <= maxSteps,
  );
  const negTargets = leaves.filter((n) => labels[n] === FROM_OTHER);
  const hasParent = new Set(edges.map(([, c]) => c));
  const persons = labels.flatMap((_, n) => (hasParent.has(n) ? [] : [n]));
  if (targets.length === 0 || negTargets.length === 0 || persons.length > PERSON_NAMES.length)
    return undefined;
  const personNames = rng.sample(PERSON_NAMES, persons.length);
  const conceptNames = rng.sample(CONCEPT_WORDS, nodeCount - persons.length);
  const symbols = labels.map((_, n) => (hasParent.has(n) ? conceptNames.pop() : personNames.pop()) as string);
  // The paper only says "a leaf with label 1"; taking the farthest one (ties at random) reproduces the
  // released files' step distribution (mean 3.8) far better than a uniform pick (mean 3.3).
  const farthest = Math.max(...targets.map((n) => dist[n] as number));
  const target = rng.choice(targets.filter((n) => dist[n] === farthest));
  return { symbols, edges, root: 0, target, negTarget: rng.choice(negTargets) };
}

function buildRecord(rng: Rng, split: 'train' | 'test', graph: ProsQAGraph): ProsQARecord {
  const { symbols, edges, root, target, negTarget } = graph;
  const hasParent = new Set(edges.map(([, c]) => c));
  const isPerson = symbols.map((_, n) => !hasParent.has(n));
  const sentence = (p: number, c: number) => edgeSentence(symbols, isPerson, p, c);
  const [first, second] = rng.shuffle([target, negTarget]);
  const facts = rng.shuffle(edges.map(([p, c]) => sentence(p, c)));
  const question = `${facts.join(' ')} Is ${symbols[root]} a ${symbols[first as number]} or ${symbols[second as number]}?`;
  const path = randomShortestPath(rng, graph);
  return {
    task: 'prosqa',
    split,
    question,
    steps: path.slice(1).map((node, i) => sentence(path[i] as number, node)),
    answer: `${symbols[root]} is a ${symbols[target]}.`,
    graph,
  };
}

/** Walks back from the target, each time to a random parent one step closer to the root. */
function randomShortestPath(rng: Rng, { symbols, edges, root, target }: ProsQAGraph): number[] {
  const dist = distancesFrom(root, childrenOf(symbols.length, edges));
  const path = [target];
  for (let node = target; node !== root; ) {
    const parents = edges.flatMap(([p, c]) =>
      c === node && dist[p] === (dist[node] as number) - 1 ? [p] : [],
    );
    node = rng.choice(parents);
    path.unshift(node);
  }
  return path;
}
