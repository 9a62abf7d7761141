import { z } from 'zod';
import { drawRecords } from '../generate.js';
import { type BaseOptions, baseOptionsSchema, intIn, parseOptions } from '../options.js';
import type { Rng } from '../random.js';
import { CONSTRUCTIONS, maxNodesFor, type ProsQAVocabulary, sampleQuestionGraph } from './construction.js';
import { childrenOf, distancesFrom } from './graph.js';
import type { ProsQAGraph, ProsQARecord } from './record.js';
import { edgeSentence } from './sentences.js';

/** Options of {@link generateProsQA}. */
export interface ProsQAOptions extends BaseOptions {
  /**
   * How graphs are built. `released` reproduces the statistics of the Coconut authors' released ProsQA files
   * (see the package README): Algorithm 1 as those files show it, unpicked persons dropped, the entity is
   * the start node (0 or 1) with the farther own leaf. `pruned` is this package's earlier construction
   * (the paper's thresholds, nodes unrelated to both start nodes pruned, entity always node 0); with its
   * default sizes and vocabulary it regenerates earlier datasets byte for byte.
   * @default 'released'
   */
  construction?: 'released' | 'pruned';
  /**
   * Smallest number of nodes N drawn for Algorithm 1 (N is uniform in [minNodes, maxNodes]) before nodes
   * are dropped (`released`: persons in no sentence; `pruned`: nodes unrelated to both start nodes).
   * @default 28 (`released`), 22 (`pruned`)
   */
  minNodes?: number;
  /**
   * Largest number of nodes; at most 40 with the `released` vocabulary (38 concept words).
   * @default 28 (`released`), 32 (`pruned`)
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
  /**
   * Names: `released` uses the 38 concept words ("lempus", all ending in "-pus") and 17 person names of the
   * released files, `large` this package's 575 made-up concept words and 30 names.
   * @default 'released' (`released`), 'large' (`pruned`)
   */
  vocabulary?: ProsQAVocabulary;
}

const schema = baseOptionsSchema
  .extend({
    construction: z.enum(['released', 'pruned'], "must be 'released' or 'pruned'").default('released'),
    minNodes: intIn(4, 200).optional(),
    maxNodes: intIn(4, 200).optional(),
    minSteps: intIn(1, 50).default(3),
    maxSteps: intIn(1, 50).default(6),
    vocabulary: z.enum(['released', 'large'], "must be 'released' or 'large'").optional(),
  })
  .transform((o) => {
    const construction = CONSTRUCTIONS[o.construction];
    return {
      ...o,
      minNodes: o.minNodes ?? construction.nodes[0],
      maxNodes: o.maxNodes ?? construction.nodes[1],
      vocabulary: o.vocabulary ?? construction.vocabulary,
    };
  })
  .refine((o) => o.minNodes <= o.maxNodes, { message: 'must be <= maxNodes', path: ['minNodes'] })
  .refine((o) => o.maxNodes <= maxNodesFor(o.vocabulary), {
    message: `must be <= ${maxNodesFor('released')} with vocabulary 'released' (use 'large' for bigger graphs)`,
    path: ['maxNodes'],
  })
  .refine((o) => o.minSteps <= o.maxSteps, { message: 'must be <= maxSteps', path: ['minSteps'] });

// Nodes drawn before giving up on options that yield no question at all: 715 graphs of 28 nodes, 100 of 200.
// In 300 graphs of 200 nodes the farthest node from a start node was 5–13 steps away, so minSteps 20 never
// succeeds and used to grind through 10,000 draws (30 s) before failing.
const PROBE_NODES = 20_000;

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
  const construction = CONSTRUCTIONS[opts.construction];
  yield* drawRecords(
    'prosqa',
    opts,
    (rng, split) => {
      const graph = sampleQuestionGraph(rng, {
        construction,
        nodeCount: rng.int(opts.minNodes, opts.maxNodes),
        minSteps: opts.minSteps,
        maxSteps: opts.maxSteps,
        vocabulary: opts.vocabulary,
      });
      return graph && buildRecord(rng, split, graph);
    },
    (record) => record.question,
    {
      draws: Math.ceil(PROBE_NODES / opts.maxNodes),
      why:
        `none of the first ${Math.ceil(PROBE_NODES / opts.maxNodes)} graphs drawn (N = ${opts.minNodes}..` +
        `${opts.maxNodes}) has a target ${opts.minSteps}..${opts.maxSteps} steps from the entity; Algorithm 1's ` +
        'graphs are shallow (the farthest node is typically 4 steps from a start node at N = 28, 8 at N = 200), ' +
        'so lower minSteps',
    },
  );
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
