import type { Rng } from '../random.js';

/** Label bits: 1 = descends from node 0, 2 = descends from node 1 (3 = both, 0 = neither). */
const FROM_ROOT = 1;
const FROM_OTHER = 2;

/** A raw DAG from {@link sampleDag}: edges [parent, child] and each node's label bits. */
export interface Dag {
  edges: [number, number][];
  labels: number[];
}

/**
 * Algorithm 1 of the Coconut paper (App. of Hao et al. 2024). Nodes 0 and 1 start with labels 1 and 2; each
 * new node draws n_in ~ Poisson(1.5) parents from a candidate set picked by r ~ U(0,1): r ≤ 0.35 → nodes
 * labelled 0 or 1, r ≤ 0.7 → nodes labelled 0 or 2, else all nodes. Parents are drawn without replacement
 * with weight depth·1.5 + 1, which favours deep nodes and so long chains; the node's label is the OR of its
 * parents' labels. Depth is the longest distance from a parentless node (our reading of "depth to root";
 * the shortest distance gives slightly shorter reasoning chains than the paper reports).
 */
export function sampleDag(rng: Rng, nodeCount: number): Dag {
  const labels = [FROM_ROOT, FROM_OTHER];
  const depth = [0, 0];
  const edges: [number, number][] = [];
  for (let idx = 2; idx < nodeCount; idx++) {
    const wanted = rng.poisson(1.5);
    const r = rng.float();
    const allowed = r <= 0.35 ? [0, FROM_ROOT] : r <= 0.7 ? [0, FROM_OTHER] : [0, 1, 2, 3];
    const candidates = labels.flatMap((label, node) => (allowed.includes(label) ? [node] : []));
    const weights = candidates.map((node) => (depth[node] as number) * 1.5 + 1);
    const parents = rng.weightedSample(candidates, weights, Math.min(wanted, candidates.length));
    let label = 0;
    let nodeDepth = 0;
    for (const parent of parents.sort((a, b) => a - b)) {
      label |= labels[parent] as number;
      nodeDepth = Math.max(nodeDepth, (depth[parent] as number) + 1);
      edges.push([parent, idx]);
    }
    labels.push(label);
    depth.push(nodeDepth);
  }
  return { edges, labels };
}

/**
 * Drops nodes unrelated to the two initial nodes: keeps nodes with a nonzero label and every ancestor of a
 * kept node, then renumbers them in order (so edges still run from lower to higher id). Our inference from
 * the released ProsQA files, where every node descends from node 0 or 1 or is a parent of one that does
 * (extra persons appear only as such parents); without it the mean in-degree falls well below the
 * paper's 36 edges per 23 nodes.
 */
export function pruneUnrelated({ edges, labels }: Dag): Dag {
  const keep = labels.map((label) => label !== 0);
  for (let node = labels.length - 1; node >= 0; node--) {
    if (!keep[node]) continue;
    for (const [p, c] of edges) if (c === node) keep[p] = true;
  }
  const newId = new Map<number, number>();
  keep.forEach((kept, node) => {
    if (kept) newId.set(node, newId.size);
  });
  return {
    edges: edges.flatMap(([p, c]) => (keep[c] ? [[newId.get(p), newId.get(c)] as [number, number]] : [])),
    labels: labels.filter((_, node) => keep[node]),
  };
}

/** Children of every node. */
export function childrenOf(nodeCount: number, edges: readonly (readonly [number, number])[]): number[][] {
  const children = Array.from({ length: nodeCount }, () => [] as number[]);
  for (const [p, c] of edges) children[p]?.push(c);
  return children;
}

/** BFS distance from `source` to every node (Infinity when unreachable). */
export function distancesFrom(source: number, children: readonly (readonly number[])[]): number[] {
  const dist = children.map(() => Number.POSITIVE_INFINITY);
  dist[source] = 0;
  const queue = [source];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    for (const child of children[node] ?? []) {
      if (dist[child] === Number.POSITIVE_INFINITY) {
        dist[child] = (dist[node] as number) + 1;
        queue.push(child);
      }
    }
  }
  return dist;
}

/** Number of distinct shortest paths from `source` to `target`. */
export function countShortestPaths(source: number, target: number, children: readonly (readonly number[])[]) {
  const dist = distancesFrom(source, children);
  const ways = children.map(() => 0);
  ways[source] = 1;
  const order = children.map((_, node) => node).filter((n) => Number.isFinite(dist[n]));
  order.sort((a, b) => (dist[a] as number) - (dist[b] as number));
  for (const node of order) {
    for (const child of children[node] ?? []) {
      if (dist[child] === (dist[node] as number) + 1)
        ways[child] = (ways[child] as number) + (ways[node] as number);
    }
  }
  return ways[target] as number;
}

export { FROM_OTHER, FROM_ROOT };
