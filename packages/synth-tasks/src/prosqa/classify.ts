import { childrenOf, distancesFrom } from './graph.js';
import type { ProsQARecord } from './record.js';
import { parseEdgeSentence } from './sentences.js';

/** The six output classes of the Coconut latent-search analysis (Hao et al. 2024, §5). */
export type ProsQAPathClass =
  /** A shortest path from the root (or a suffix of one) to the target. */
  | 'correct_path'
  /** A valid path to the target that is longer than the shortest. */
  | 'longer_path'
  /** A step uses an edge that does not exist, or consecutive steps do not connect. */
  | 'hallucination'
  /** A valid path that ends somewhere other than the target. */
  | 'wrong_target'
  /** No path, and the answer names the target. */
  | 'correct_label'
  /** No path, and the answer does not name the target. */
  | 'incorrect_label';

/** Options of {@link classifyProsQAPath}. */
export interface ClassifyProsQAPathOptions {
  /** The question's record (its graph is used). */
  record: ProsQARecord;
  /**
   * The generated reasoning sentences, e.g. ["Tom is a lempus.", "Every lempus is a grimpus."]. A path may
   * start below the root (after latent thoughts replaced its first steps); it then counts as correct if
   * some shortest path from the root ends with it.
   */
  steps: readonly string[];
  /** The generated answer sentence, e.g. "Tom is a grimpus."; used only when `steps` is empty. */
  answer: string;
}

/** Classifies one generated output into the six classes, using the record's graph. */
export function classifyProsQAPath(options: ClassifyProsQAPathOptions): ProsQAPathClass {
  const { record, steps, answer } = options;
  const { symbols, edges, root, target } = record.graph;
  if (steps.length === 0) {
    const named = parseEdgeSentence(answer)?.[1];
    return named === symbols[target] ? 'correct_label' : 'incorrect_label';
  }
  const idOf = new Map(symbols.map((name, id) => [name, id]));
  const edgeSet = new Set(edges.map(([p, c]) => `${p}>${c}`));
  const path: number[] = [];
  for (const step of steps) {
    const names = parseEdgeSentence(step);
    const from = idOf.get(names?.[0] ?? '');
    const to = idOf.get(names?.[1] ?? '');
    if (from === undefined || to === undefined || !edgeSet.has(`${from}>${to}`)) return 'hallucination';
    if (path.length > 0 && path[path.length - 1] !== from) return 'hallucination';
    if (path.length === 0) path.push(from);
    path.push(to);
  }
  const dist = distancesFrom(root, childrenOf(symbols.length, edges));
  const start = path[0] as number;
  // A path that cannot be reached from the root is disconnected from the question.
  if (!Number.isFinite(dist[start])) return 'hallucination';
  if (path[path.length - 1] !== target) return 'wrong_target';
  return (dist[start] as number) + steps.length === dist[target] ? 'correct_path' : 'longer_path';
}
