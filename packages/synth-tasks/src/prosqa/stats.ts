import { histogram, mean } from '../metrics.js';
import { childrenOf, countShortestPaths, distancesFrom } from './graph.js';
import type { ProsQARecord } from './record.js';

/** Summary of a ProsQA dataset, comparable with the paper's Table (23 nodes, 36 edges, 3.8, 1.6). */
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
  /** Mean number of person (parentless) nodes. */
  meanPersons: number;
  /** Records per number of steps. */
  steps: Record<string, number>;
}

/** Statistics of a ProsQA dataset. */
export function prosqaStats(records: readonly ProsQARecord[]): ProsQAStats {
  const perGraph = records.map(({ graph }) => {
    const children = childrenOf(graph.symbols.length, graph.edges);
    const withParent = new Set(graph.edges.map(([, c]) => c));
    return {
      nodes: graph.symbols.length,
      edges: graph.edges.length,
      shortest: distancesFrom(graph.root, children)[graph.target] as number,
      paths: countShortestPaths(graph.root, graph.target, children),
      persons: graph.symbols.length - withParent.size,
    };
  });
  return {
    count: records.length,
    meanNodes: mean(perGraph.map((g) => g.nodes)),
    meanEdges: mean(perGraph.map((g) => g.edges)),
    meanShortestPath: mean(perGraph.map((g) => g.shortest)),
    meanShortestPaths: mean(perGraph.map((g) => g.paths)),
    meanPersons: mean(perGraph.map((g) => g.persons)),
    steps: histogram(records.map((r) => r.steps.length)),
  };
}
