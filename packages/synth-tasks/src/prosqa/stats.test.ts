import { describe, expect, it } from 'vitest';
import { detourGraph, extraPersonGraph } from '../../test/prosqa-graphs.js';
import { prosqaStats } from './stats.js';

describe('prosqaStats', () => {
  it('computes every statistic of a graph without extra persons by hand', () => {
    // 8 nodes, 7 edges; one 3-step shortest path (the detour is 4 steps); leaves zhorpus and rorpus; the six
    // other nodes have 7 children; Ann reaches rorpus in one step; the question names rorpus first; 38 words.
    expect(prosqaStats([detourGraph])).toEqual({
      count: 1,
      meanNodes: 8,
      meanEdges: 7,
      meanShortestPath: 3,
      meanShortestPaths: 1,
      meanPersons: 2,
      steps: { 3: 1 },
      meanUnlinked: 0,
      meanShared: 0,
      meanLeaves: 2,
      meanOutDegree: 7 / 6,
      meanExtraPersonChildren: 0,
      meanNegTargetDistance: 1,
      targetFirst: 0,
      meanQuestionWords: 38,
      distinctConcepts: 6,
      conceptEndings: { pus: 6 },
      distinctPersons: 2,
    });
  });

  it('finds the other start node, extra persons, shared and unlinked nodes when the entity is node 1', () => {
    // Other start node: Bob (node 0), the parentless node that reaches gurpor. Rex is an extra person with
    // two children; tumpus and Rex descend from neither start node, rompus from both. 50 words.
    expect(prosqaStats([extraPersonGraph])).toMatchObject({
      meanNodes: 10,
      meanEdges: 10,
      meanShortestPath: 3,
      meanShortestPaths: 2,
      meanPersons: 3,
      meanUnlinked: 2,
      meanShared: 1,
      meanLeaves: 4,
      meanOutDegree: 10 / 6,
      meanExtraPersonChildren: 2,
      meanNegTargetDistance: 1,
      targetFirst: 1,
      meanQuestionWords: 50,
    });
  });

  it('averages per graph and counts distinct names across the dataset', () => {
    const stats = prosqaStats([detourGraph, extraPersonGraph, detourGraph]);
    expect(stats).toMatchObject({
      count: 3,
      meanNodes: 26 / 3,
      meanShortestPaths: 4 / 3,
      steps: { 3: 3 },
      meanExtraPersonChildren: 2, // over the one extra person, not over graphs
      targetFirst: 1 / 3,
      distinctConcepts: 13,
      conceptEndings: { por: 1, pus: 12 },
      distinctPersons: 5,
    });
    expect(stats.meanOutDegree).toBeCloseTo((7 / 6 + 10 / 6 + 7 / 6) / 3, 12);
  });
});
