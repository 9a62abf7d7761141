import { histogram, mean } from '../metrics.js';
import { childrenOf, countShortestPaths, distancesFrom } from './graph.js';
import type { ProsQAGraph, ProsQARecord } from './record.js';

/**
 * Summary of a ProsQA dataset, comparable with the paper's Table 2 (23 nodes, 36 edges, shortest path 3.8,
 * 1.6 shortest paths) and with the released files. The two start nodes are the root and the other start
 * node: the lowest-numbered parentless node other than the root that reaches the negative option (node 0
 * or 1 in generated and released graphs).
 */
export interface ProsQAStats {
  /** Number of records. */
  count: number;
  /** Mean number of nodes per graph. */
  meanNodes: number;
  /** Mean number of edges per graph. */
  meanEdges: number;
  /** Mean root-to-target shortest-path length (= number of steps). */
  meanShortestPath: number;
  /** Mean number of distinct shortest paths from the root to the target. */
  meanShortestPaths: number;
  /** Mean number of person (parentless) nodes, the two start nodes included. */
  meanPersons: number;
  /** Records per number of steps. */
  steps: Record<string, number>;
  /** Mean number of nodes reachable from neither start node (extra persons and their own descendants). */
  meanUnlinked: number;
  /** Mean number of nodes reachable from both start nodes. */
  meanShared: number;
  /** Mean number of leaves (nodes without children). */
  meanLeaves: number;
  /** Mean children of a node that has children (edges / non-leaf nodes, per graph). */
  meanOutDegree: number;
  /** Mean children of a person other than the two start nodes, over all such persons (0 if none). */
  meanExtraPersonChildren: number;
  /** Mean distance from the other start node to the negative option. */
  meanNegTargetDistance: number;
  /** Share of questions that name the target first ("Is Tom a <target> or <negative>?"). */
  targetFirst: number;
  /** Mean number of whitespace-separated words in the question. */
  meanQuestionWords: number;
  /** Number of distinct concept words (names of nodes with a parent) in the dataset. */
  distinctConcepts: number;
  /** Distinct concept words by their last three letters, e.g. `{ pus: 38 }`. */
  conceptEndings: Record<string, number>;
  /** Number of distinct person names in the dataset. */
  distinctPersons: number;
}

/** Per-graph quantities behind {@link prosqaStats}. */
function graphFacts({ symbols, edges, root, target, negTarget }: ProsQAGraph) {
  const children = childrenOf(symbols.length, edges);
  const hasParent = new Set(edges.map(([, c]) => c));
  const fromRoot = distancesFrom(root, children);
  const other = symbols.findIndex(
    (_, n) =>
      n !== root && !hasParent.has(n) && Number.isFinite(distancesFrom(n, children)[negTarget] as number),
  );
  const fromOther = other < 0 ? [] : distancesFrom(other, children);
  const reaches = (dist: readonly number[], n: number) => Number.isFinite(dist[n] ?? Number.NaN);
  const nodes = symbols.map((_, n) => n);
  const inner = nodes.filter((n) => (children[n]?.length ?? 0) > 0);
  return {
    nodes: symbols.length,
    edges: edges.length,
    shortest: fromRoot[target] as number,
    paths: countShortestPaths(root, target, children),
    persons: symbols.length - hasParent.size,
    unlinked: nodes.filter((n) => !reaches(fromRoot, n) && !reaches(fromOther, n)).length,
    shared: nodes.filter((n) => reaches(fromRoot, n) && reaches(fromOther, n)).length,
    leaves: symbols.length - inner.length,
    outDegree: inner.length ? edges.length / inner.length : 0,
    extraPersonChildren: nodes
      .filter((n) => n !== root && n !== other && !hasParent.has(n))
      .map((n) => children[n]?.length ?? 0),
    negDistance: other < 0 ? [] : [fromOther[negTarget] as number],
    concepts: symbols.filter((_, n) => hasParent.has(n)),
    personNames: symbols.filter((_, n) => !hasParent.has(n)),
  };
}

/** Statistics of a ProsQA dataset. */
export function prosqaStats(records: readonly ProsQARecord[]): ProsQAStats {
  const perGraph = records.map(({ graph }) => graphFacts(graph));
  const average = (pick: (g: ReturnType<typeof graphFacts>) => number) => mean(perGraph.map(pick));
  const concepts = new Set(perGraph.flatMap((g) => g.concepts));
  return {
    count: records.length,
    meanNodes: average((g) => g.nodes),
    meanEdges: average((g) => g.edges),
    meanShortestPath: average((g) => g.shortest),
    meanShortestPaths: average((g) => g.paths),
    meanPersons: average((g) => g.persons),
    steps: histogram(records.map((r) => r.steps.length)),
    meanUnlinked: average((g) => g.unlinked),
    meanShared: average((g) => g.shared),
    meanLeaves: average((g) => g.leaves),
    meanOutDegree: average((g) => g.outDegree),
    meanExtraPersonChildren: mean(perGraph.flatMap((g) => g.extraPersonChildren)),
    meanNegTargetDistance: mean(perGraph.flatMap((g) => g.negDistance)),
    targetFirst: mean(
      records.map(({ question, graph: { symbols, target, negTarget } }) =>
        question.endsWith(` a ${symbols[target]} or ${symbols[negTarget]}?`) ? 1 : 0,
      ),
    ),
    meanQuestionWords: mean(records.map((r) => r.question.split(/\s+/).filter(Boolean).length)),
    distinctConcepts: concepts.size,
    conceptEndings: histogram([...concepts].map((word) => word.slice(-3))),
    distinctPersons: new Set(perGraph.flatMap((g) => g.personNames)).size,
  };
}
