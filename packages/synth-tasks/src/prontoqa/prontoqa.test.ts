import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateProntoQA, solveProntoQA } from './evaluate.js';
import { generateProntoQA } from './generate.js';
import { prontoqaStats } from './stats.js';

describe('ProntoQA', () => {
  it('solves a hand-written 3-hop question despite a contrary distractor', () => {
    const context =
      'Every yumpus is a lempus. Every lempus is bitter. Every wumpus is a yumpus. Max is a wumpus. ' +
      'Every zhorpus is not bitter. Sam is a zhorpus. Every wumpus is small.';
    expect(solveProntoQA(`${context} True or false: Max is bitter.`)).toBe('True');
    expect(solveProntoQA(`${context} True or false: Max is not bitter.`)).toBe('False');
    expect(solveProntoQA(`${context} True or false: Sam is bitter.`)).toBe('False');
    expect(() => solveProntoQA(`${context} True or false: Max is red.`)).toThrow(/undetermined/);
    expect(() => solveProntoQA('Max likes cats. True or false: Max is red.')).toThrow(/unreadable sentence/);
  });

  it('every generated answer is confirmed by the solver; proofs have one step per hop', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 5 }),
        (seed, hops, distractors) => {
          for (const r of generateProntoQA({ seed, count: 10, minHops: hops, maxHops: hops, distractors })) {
            expect(solveProntoQA(r.question)).toBe(r.answer);
            expect(r.steps).toHaveLength(hops);
            expect(r.hops).toBe(hops);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('balances answers and scores exact match', () => {
    const records = generateProntoQA({ seed: 7, count: 400 });
    const stats = prontoqaStats(records);
    expect(stats.hops).toEqual({ 5: 400 });
    expect(stats.trueFraction).toBeGreaterThan(0.4);
    expect(stats.trueFraction).toBeLessThan(0.6);
    // 1 fact + 5 properties + 4 links + 2 trap sentences + 2 branch sentences.
    expect(stats.meanSentences).toBe(14);
    const score = evaluateProntoQA({ records, predictions: records.map(() => 'True') });
    expect(score.accuracy).toBeCloseTo(stats.trueFraction, 10);
  });

  it('rejects invalid options', () => {
    expect(() => generateProntoQA({ seed: 1, count: 1, minHops: 0 })).toThrow(
      /"minHops" must be an integer in 1\.\.10/,
    );
    expect(() => generateProntoQA({ seed: 1, count: 1, minHops: 6, maxHops: 2 })).toThrow(
      /"minHops" must be <= maxHops/,
    );
  });
});
