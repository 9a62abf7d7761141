import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { childrenOf, countShortestPaths, distancesFrom, pruneUnrelated, sampleDag } from './graph.js';

describe('ProsQA graph construction', () => {
  it('Algorithm 1 labels are the OR of the parents, edges run forward and never repeat', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 40 }), (seed, n) => {
        const { edges, labels } = sampleDag(new Rng(seed), n);
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
