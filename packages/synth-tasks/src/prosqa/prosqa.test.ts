import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detourGraph } from '../../test/prosqa-graphs.js';
import { classifyProsQAPath } from './classify.js';
import { evaluateProsQA, solveProsQA } from './evaluate.js';
import { generateProsQA } from './generate.js';
import { childrenOf, distancesFrom } from './graph.js';
import { prosqaStats } from './stats.js';

const handBuilt = detourGraph;
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
        const construction = seed % 2 ? 'released' : 'pruned';
        for (const record of generateProsQA({ seed, count: 5, construction })) {
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

  it('released construction: no isolated node, concept options, entity = start node with the farther leaf', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        for (const { graph } of generateProsQA({ seed, count: 5 })) {
          const { symbols, edges, root, target, negTarget } = graph;
          const children = childrenOf(symbols.length, edges);
          const inEdge = new Set(edges.flat());
          expect(symbols.every((_, n) => n < 2 || inEdge.has(n))).toBe(true);
          const withParent = new Set(edges.map(([, c]) => c));
          expect([withParent.has(target), withParent.has(negTarget)]).toEqual([true, true]);
          expect([0, 1]).toContain(root);
          // The target is the farthest leaf (3–6 steps) reachable from the root and not from the other start
          // node, and no such leaf of the other start node is farther.
          const [fromRoot, fromOther] = [root, 1 - root].map((start) => distancesFrom(start, children));
          const farthest = (from: number[], not: number[]) =>
            Math.max(
              ...symbols.flatMap((_, n) =>
                children[n]?.length === 0 &&
                Number.isFinite(from[n]) &&
                !Number.isFinite(not[n]) &&
                (from[n] as number) <= 6
                  ? [from[n] as number]
                  : [],
              ),
            );
          expect(fromRoot?.[target]).toBe(farthest(fromRoot as number[], fromOther as number[]));
          expect(fromRoot?.[target]).toBeGreaterThanOrEqual(
            farthest(fromOther as number[], fromRoot as number[]),
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  it('at defaults matches the released files within stated tolerances on 500 questions', () => {
    const stats = prosqaStats(generateProsQA({ seed: 'released-tolerances', count: 500 }));
    // Released test + valid files (800 questions), measured by scripts/prosqa-stats.ts.
    const share = (steps: number) => (stats.steps[steps] ?? 0) / stats.count;
    expect(Object.keys(stats.steps)).toEqual(['3', '4', '5', '6']);
    expect(Math.abs(share(3) - 0.408)).toBeLessThan(0.05);
    expect(Math.abs(share(4) - 0.438)).toBeLessThan(0.05);
    expect(Math.abs(share(5) - 0.131)).toBeLessThan(0.04);
    expect(Math.abs(share(6) - 0.024)).toBeLessThan(0.025);
    expect(Math.abs(stats.meanShortestPath - 3.77)).toBeLessThan(0.1);
    expect(Math.abs(stats.meanShortestPaths - 1.59)).toBeLessThan(0.15);
    expect(Math.abs(stats.meanNodes - 22.8)).toBeLessThan(0.5);
    expect(Math.abs(stats.meanEdges - 36.0)).toBeLessThan(1);
    expect(Math.abs(stats.meanPersons - 2.56)).toBeLessThan(0.2);
    expect(Math.abs(stats.meanUnlinked - 0.71)).toBeLessThan(0.2);
    expect(Math.abs(stats.meanShared - 1.24)).toBeLessThan(0.3);
    expect(Math.abs(stats.meanExtraPersonChildren - 1.12)).toBeLessThan(0.15);
    expect(Math.abs(stats.targetFirst - 0.505)).toBeLessThan(0.06);
    expect(Math.abs(stats.meanQuestionWords - 179.2)).toBeLessThan(5);
    expect(stats).toMatchObject({ distinctConcepts: 38, conceptEndings: { pus: 38 }, distinctPersons: 17 });
  });

  it('the pruned construction still gives its earlier statistics exactly', () => {
    const stats = prosqaStats(generateProsQA({ seed: 'prosqa-stats', count: 1000, construction: 'pruned' }));
    expect(stats).toMatchObject({ meanNodes: 23.423, meanEdges: 35.558, meanShortestPath: 3.63 });
    expect(stats.meanShortestPaths).toBeCloseTo(1.422, 3);
    expect(stats).toMatchObject({ distinctConcepts: 575, conceptEndings: { ice: 115, por: 115, pus: 345 } });
  });

  it('gives up early, saying why, when no graph of that size has such deep questions', () => {
    for (const minSteps of [20, 50]) {
      const options = { seed: 1, count: 1, minNodes: 200, maxNodes: 200, minSteps, maxSteps: 50 } as const;
      expect(() => generateProsQA({ ...options, vocabulary: 'large' })).toThrow(
        expect.objectContaining({
          code: 'GENERATION_FAILED',
          message: expect.stringMatching(
            new RegExp(
              `^prosqa: none of the first 100 graphs drawn \\(N = 200\\.\\.200\\) has a target ${minSteps}\\.\\.50 steps`,
            ),
          ),
        }),
      );
    }
    // Deep but feasible options still generate.
    expect(
      generateProsQA({ seed: 1, count: 2, minSteps: 6, maxSteps: 6 }).map((r) => r.steps.length),
    ).toEqual([6, 6]);
  }, 120_000);

  it('rejects inverted size ranges', () => {
    expect(() => generateProsQA({ seed: 1, count: 1, minNodes: 30, maxNodes: 10 })).toThrow(
      /option "minNodes" must be <= maxNodes/,
    );
    expect(() => generateProsQA({ seed: 1, count: 1, maxSteps: 0 })).toThrow(
      /"maxSteps" must be an integer in 1\.\.50/,
    );
    expect(() => generateProsQA({ seed: 1, count: 1, maxNodes: 41 })).toThrow(
      /"maxNodes" must be <= 40 with vocabulary 'released'/,
    );
    expect(generateProsQA({ seed: 1, count: 1, maxNodes: 60, vocabulary: 'large' })).toHaveLength(1);
    expect(() => generateProsQA({ seed: 1, count: 1, construction: 'paper' as 'pruned' })).toThrow(
      /"construction" must be 'released' or 'pruned'/,
    );
  });
});
