import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import {
  childrenOf,
  countShortestPaths,
  type DagRules,
  distancesFrom,
  dropIsolated,
  PRUNED_RULES,
  pruneUnrelated,
  RELEASED_RULES,
  sampleDag,
} from './graph.js';

/**
 * An Rng stand-in that plays back scripted parent counts and r values, records the candidates and weights
 * each node is offered, and picks the last k candidates (the newest), so the candidate rules can be checked
 * draw by draw.
 */
function scriptedRng(wanted: number[], r: number[]) {
  const offered: { candidates: number[]; weights: number[] }[] = [];
  const rng = {
    poisson: () => wanted.shift() as number,
    float: () => r.shift() as number,
    weightedSample: (candidates: number[], weights: number[], k: number) => {
      offered.push({ candidates, weights });
      return k === 0 ? [] : candidates.slice(-k);
    },
  };
  return { rng: rng as unknown as Rng, offered };
}

describe('ProsQA graph construction', () => {
  it('Algorithm 1 labels are the OR of the parents, edges run forward and never repeat', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 40 }), (seed, n) => {
        const rules = seed % 2 ? RELEASED_RULES : PRUNED_RULES;
        const { edges, labels } = sampleDag(new Rng(seed), { nodeCount: n, rules });
        expect(labels.slice(0, 2)).toEqual([1, 2]);
        expect(new Set(edges.map((e) => e.join())).size).toBe(edges.length);
        for (let node = 2; node < n; node++) {
          const parents = edges.filter(([, c]) => c === node).map(([p]) => p);
          expect(parents.every((p) => p < node)).toBe(true);
          expect(labels[node]).toBe(parents.reduce((l, p) => l | (labels[p] as number), 0));
        }
      }),
    );
  });

  // Node 2 draws no parent (an extra person, label 0); nodes 3, 4, 5 draw 1, 2, 2 parents with r = 0.5,
  // 0.75, 0.9. r = 0.75 is node 1's family under the released thresholds [0.35, 0.8] but "any node" under
  // the paper's [0.35, 0.7].
  const script = (rules: DagRules) => {
    const { rng, offered } = scriptedRng([0, 1, 2, 2], [0.1, 0.5, 0.75, 0.9]);
    return { dag: sampleDag(rng, { nodeCount: 6, rules }), offered };
  };

  it('released rules: family branches never offer label-0 nodes; depth is the shortest distance', () => {
    const { dag, offered } = script(RELEASED_RULES);
    expect(offered).toEqual([
      { candidates: [0], weights: [1] }, // node 2, r = 0.1: node 0's family
      { candidates: [1], weights: [1] }, // node 3: node 1's family without the extra person 2
      { candidates: [1, 3], weights: [1, 2.5] }, // node 4, r = 0.75: still node 1's family
      { candidates: [0, 1, 2, 3, 4], weights: [1, 1, 1, 2.5, 2.5] }, // node 5: any node; node 4 has depth min(1, 2)
    ]);
    expect(dag).toEqual({
      edges: [
        [1, 3],
        [1, 4],
        [3, 4],
        [3, 5],
        [4, 5],
      ],
      labels: [1, 2, 0, 2, 2, 2],
    });
  });

  it('pruned rules: family branches offer label-0 nodes too; depth is the longest distance', () => {
    const { dag, offered } = script(PRUNED_RULES);
    expect(offered).toEqual([
      { candidates: [0], weights: [1] },
      { candidates: [1, 2], weights: [1, 1] }, // node 3 picks the extra person 2: label 0, depth 1
      { candidates: [0, 1, 2, 3], weights: [1, 1, 1, 2.5] }, // r = 0.75 > 0.7: any node
      { candidates: [0, 1, 2, 3, 4], weights: [1, 1, 1, 2.5, 4] }, // node 4 has depth max(1, 2) = 2
    ]);
    expect(dag).toEqual({
      edges: [
        [2, 3],
        [2, 4],
        [3, 4],
        [3, 5],
        [4, 5],
      ],
      labels: [1, 2, 0, 0, 0, 0],
    });
  });

  it('dropping isolated nodes keeps nodes 0 and 1 and every node in an edge, renumbered in order', () => {
    // Node 2 is a person nobody picked; node 4 a label-0 leaf under the extra person 3; node 1 has no edge.
    const dag = {
      edges: [
        [0, 5],
        [3, 4],
        [3, 5],
      ] as [number, number][],
      labels: [1, 2, 0, 0, 0, 1],
    };
    expect(dropIsolated(dag)).toEqual({
      edges: [
        [0, 4],
        [2, 3],
        [2, 4],
      ],
      labels: [1, 2, 0, 0, 1],
    });
  });

  it('pruning keeps labelled nodes and their ancestors, renumbered in order', () => {
    // Node 2 is an extra person; 3 descends from 0 and 2; 4 descends from 2 only (label 0); 5 from 1 and 3.
    const dag = {
      edges: [
        [0, 3],
        [2, 3],
        [2, 4],
        [1, 5],
        [3, 5],
      ] as [number, number][],
      labels: [1, 2, 0, 1, 0, 3],
    };
    expect(pruneUnrelated(dag)).toEqual({
      edges: [
        [0, 3],
        [2, 3],
        [1, 4],
        [3, 4],
      ],
      labels: [1, 2, 0, 1, 3],
    });
  });

  it('counts distances and shortest paths', () => {
    // 0 → 1 → 3, 0 → 2 → 3, 3 → 4: two shortest paths of length 3 to node 4.
    const children = childrenOf(5, [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
      [3, 4],
    ]);
    expect(distancesFrom(0, children)).toEqual([0, 1, 1, 2, 3]);
    expect(distancesFrom(1, children)).toEqual([Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY, 1, 2]);
    expect(countShortestPaths(0, 4, children)).toBe(2);
    expect(countShortestPaths(1, 4, children)).toBe(1);
  });
});
