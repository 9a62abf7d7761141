import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyProsQAPath } from './classify.js';
import { evaluateProsQA, solveProsQA } from './evaluate.js';
import { generateProsQA } from './generate.js';
import { childrenOf, distancesFrom } from './graph.js';
import type { ProsQARecord } from './record.js';
import { prosqaStats } from './stats.js';

// Tom → lempus → grimpus → zhorpus is the shortest path (3 steps); Tom → sterpus → wumpus → grimpus is a
// detour; Ann → rorpus is the other family (the negative option).
const symbols = ['Tom', 'Ann', 'lempus', 'grimpus', 'zhorpus', 'sterpus', 'rorpus', 'wumpus'];
const edges: [number, number][] = [
  [0, 2],
  [2, 3],
  [3, 4],
  [0, 5],
  [5, 7],
  [7, 3],
  [1, 6],
];
const handBuilt: ProsQARecord = {
  task: 'prosqa',
  split: 'test',
  question:
    'Tom is a lempus. Every lempus is a grimpus. Every grimpus is a zhorpus. Tom is a sterpus. ' +
    'Every sterpus is a wumpus. Every wumpus is a grimpus. Ann is a rorpus. Is Tom a rorpus or zhorpus?',
  steps: ['Tom is a lempus.', 'Every lempus is a grimpus.', 'Every grimpus is a zhorpus.'],
  answer: 'Tom is a zhorpus.',
  graph: { symbols, edges, root: 0, target: 4, negTarget: 6 },
};
const classify = (steps: string[], answer = '') => classifyProsQAPath({ record: handBuilt, steps, answer });

describe('ProsQA path classifier', () => {
  it('produces each of the six classes on a hand-built graph', () => {
    expect(classify(handBuilt.steps)).toBe('correct_path');
    expect(classify(['Every grimpus is a zhorpus.'])).toBe('correct_path');
    expect(
      classify([
        'Tom is a sterpus.',
        'Every sterpus is a wumpus.',
        'Every wumpus is a grimpus.',
        'Every grimpus is a zhorpus.',
      ]),
    ).toBe('longer_path');
    expect(classify(['Every wumpus is a grimpus.', 'Every grimpus is a zhorpus.'])).toBe('longer_path');
    expect(classify(['Tom is a grimpus.', 'Every grimpus is a zhorpus.'])).toBe('hallucination');
    expect(classify(['Tom is a lempus.', 'Every sterpus is a wumpus.'])).toBe('hallucination');
    expect(classify(['Tom likes lempus.'])).toBe('hallucination');
    expect(classify(['Ann is a rorpus.'])).toBe('hallucination');
    expect(classify(['Tom is a sterpus.', 'Every sterpus is a wumpus.'])).toBe('wrong_target');
    expect(classify([], 'Tom is a zhorpus.')).toBe('correct_label');
    expect(classify([], 'Tom is a rorpus.')).toBe('incorrect_label');
    expect(classify([], 'no idea')).toBe('incorrect_label');
  });

  it('solves the hand-built question and scores exact match', () => {
    expect(solveProsQA(handBuilt.question)).toBe('Tom is a zhorpus.');
    expect(() => solveProsQA('Tom is a lempus. Is Tom a rorpus or zhorpus?')).toThrow(/0 of the two options/);
    expect(() => solveProsQA('Tom likes lempus. Is Tom a rorpus or zhorpus?')).toThrow(/unreadable sentence/);
    const score = evaluateProsQA({
      records: [handBuilt, handBuilt],
      predictions: ['Tom is a zhorpus. ', 'Tom'],
    });
    expect(score).toEqual({ correct: 1, total: 2, accuracy: 0.5 });
  });
});

describe('generateProsQA', () => {
  it('every generated answer is confirmed by the solver and its steps are a correct path', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        for (const record of generateProsQA({ seed, count: 5 })) {
          const { graph } = record;
          expect(solveProsQA(record.question)).toBe(record.answer);
          expect(classifyProsQAPath({ record, steps: record.steps, answer: record.answer })).toBe(
            'correct_path',
          );
          const dist = distancesFrom(graph.root, childrenOf(graph.symbols.length, graph.edges));
          expect(record.steps).toHaveLength(dist[graph.target] as number);
          expect(dist[graph.negTarget]).toBe(Number.POSITIVE_INFINITY);
          expect(graph.edges.every(([p, c]) => p < c)).toBe(true);
          expect(record.question.match(/ is an? /g)).toHaveLength(graph.edges.length);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('matches the paper statistics within 15% on 1,000 graphs', () => {
    const stats = prosqaStats(generateProsQA({ seed: 'prosqa-stats', count: 1000 }));
    // The paper reports 23.0 nodes, 36.0 edges and a shortest path of 3.8.
    expect(stats.meanNodes).toBeGreaterThan(23 * 0.85);
    expect(stats.meanNodes).toBeLessThan(23 * 1.15);
    expect(stats.meanEdges).toBeGreaterThan(36 * 0.85);
    expect(stats.meanEdges).toBeLessThan(36 * 1.15);
    expect(stats.meanShortestPath).toBeGreaterThan(3.8 * 0.85);
    expect(stats.meanShortestPath).toBeLessThan(3.8 * 1.15);
    expect(Object.keys(stats.steps)).toEqual(['3', '4', '5', '6']);
    // The exact values quoted in the README table.
    expect(stats).toMatchObject({ meanNodes: 23.423, meanEdges: 35.558, meanShortestPath: 3.63 });
    expect(stats.meanShortestPaths).toBeCloseTo(1.422, 3);
    console.log('ProsQA statistics on 1,000 graphs:', JSON.stringify(stats));
  });

  it('rejects inverted size ranges', () => {
    expect(() => generateProsQA({ seed: 1, count: 1, minNodes: 30, maxNodes: 10 })).toThrow(
      /option "minNodes" must be <= maxNodes/,
    );
    expect(() => generateProsQA({ seed: 1, count: 1, maxSteps: 0 })).toThrow(
      /"maxSteps" must be an integer in 1\.\.50/,
    );
  });
});
