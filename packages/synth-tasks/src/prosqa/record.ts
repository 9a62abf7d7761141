import { z } from 'zod';

/** The DAG behind a ProsQA question; edge [p, c] reads "every p is a c" (or "name is a c" for a person p). */
export interface ProsQAGraph {
  /** Name of each node: persons for parentless nodes, made-up concept words otherwise. */
  symbols: string[];
  /** Directed edges [parent, child], parent id < child id. */
  edges: [number, number][];
  /** The entity asked about: one of the two start nodes 0 and 1 (always 0 under the `pruned` construction). */
  root: number;
  /** The correct option: a leaf reachable from the root. */
  target: number;
  /** The wrong option: a leaf reachable from the other start node but not from the root. */
  negTarget: number;
}

/** One ProsQA question (Coconut, Hao et al. 2024, §4), in the `{question, steps, answer}` layout. */
export interface ProsQARecord {
  /** Task tag. */
  task: 'prosqa';
  /** Split the question belongs to; generated records are `train` or `test`, `valid` comes from imported files. */
  split: 'train' | 'valid' | 'test';
  /** One sentence per edge in random order, then "Is <root> a <A> or <B>?". */
  question: string;
  /** The sentences of one shortest path from the root to the target. */
  steps: string[];
  /** "<root> is a <target>." */
  answer: string;
  /** The graph, for the path classifier and analyses. */
  graph: ProsQAGraph;
}

/** Schema used to validate imported ProsQA records. */
export const prosqaRecordSchema = z.object({
  task: z.literal('prosqa'),
  split: z.enum(['train', 'valid', 'test']),
  question: z.string(),
  steps: z.array(z.string()),
  answer: z.string(),
  graph: z
    .object({
      symbols: z.array(z.string()),
      edges: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
      root: z.number().int().nonnegative(),
      target: z.number().int().nonnegative(),
      negTarget: z.number().int().nonnegative(),
    })
    .refine(
      (g) => [g.root, g.target, g.negTarget, ...g.edges.flat()].every((id) => id < g.symbols.length),
      'refers to a node id outside symbols',
    ),
});
