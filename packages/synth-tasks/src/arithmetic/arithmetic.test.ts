import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SynthTasksError } from '../errors.js';
import { evaluateArithmetic, solveArithmetic } from './evaluate.js';
import { generateArithmetic } from './generate.js';
import { arithmeticStats } from './stats.js';

describe('arithmetic', () => {
  it('solves hand-worked prompts with fixed-width answers', () => {
    expect(solveArithmetic('35*07=')).toBe('0245');
    expect(solveArithmetic('99*99=')).toBe('9801');
    expect(solveArithmetic('5+3=')).toBe('08');
    expect(solveArithmetic('99+99=')).toBe('198');
    expect(solveArithmetic('123*4=')).toBe('0492');
    expect(() => solveArithmetic('35-07=')).toThrow(/solveArithmetic.*35-07=/);
  });

  it('every generated answer is confirmed by the solver', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom<'+' | '*'>('+', '*'),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        (seed, op, digitsA, digitsB) => {
          const records = generateArithmetic({ seed, count: 20, op, digitsA, digitsB });
          for (const r of records) {
            expect(solveArithmetic(r.prompt)).toBe(r.answer);
            expect(r.prompt).toHaveLength(digitsA + digitsB + 2);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps train and test questions disjoint even for a tiny space', () => {
    const train = generateArithmetic({ seed: 1, count: 300, op: '+', digitsA: 1, digitsB: 1 });
    const test = generateArithmetic({ seed: 1, count: 30, op: '+', digitsA: 1, digitsB: 1, split: 'test' });
    const trainPrompts = new Set(train.map((r) => r.prompt));
    expect(test.every((r) => r.split === 'test' && !trainPrompts.has(r.prompt))).toBe(true);
    expect(arithmeticStats(train)).toMatchObject({ count: 300, ops: { '+': 300 } });
    expect(arithmeticStats(train).distinctPrompts).toBeLessThanOrEqual(100);
  });

  it('scores exact match and per-digit accuracy', () => {
    const records = [
      { task: 'arithmetic', split: 'test', op: '*', a: 35, b: 7, prompt: '35*07=', answer: '0245' },
      { task: 'arithmetic', split: 'test', op: '*', a: 12, b: 10, prompt: '12*10=', answer: '0120' },
    ] as const;
    const score = evaluateArithmetic({ records, predictions: [' 0245\n', '0125'] });
    expect(score).toEqual({ correct: 1, total: 2, accuracy: 0.5, digitAccuracy: [1, 1, 1, 0.5] });
    expect(() => evaluateArithmetic({ records, predictions: ['0245'] })).toThrow(/one prediction per record/);
  });

  it('lines up the digits of answers of different widths at the units digit', () => {
    const records = [
      ...generateArithmetic({ seed: 1, count: 1, digitsA: 1, digitsB: 1 }),
      ...generateArithmetic({ seed: 1, count: 1, digitsA: 2, digitsB: 2 }),
    ];
    const widths = records.map((r) => r.answer.length);
    expect(widths).toEqual([2, 4]);
    // Perfect predictions are perfect at every position (they scored [1, 1, 0.5, 0.5] when aligned left).
    const perfect = evaluateArithmetic({ records, predictions: records.map((r) => r.answer) });
    expect(perfect.digitAccuracy).toEqual([1, 1, 1, 1]);
    // A wrong units digit in the short answer shows at the last position, which both records share.
    const short = records[0]?.answer as string;
    const wrongUnits = `${short[0]}${short[1] === '9' ? '0' : '9'}`;
    const score = evaluateArithmetic({ records, predictions: [wrongUnits, records[1]?.answer as string] });
    expect(score.digitAccuracy).toEqual([1, 1, 1, 0.5]);
  });

  it('rejects invalid options naming the field and the allowed range', () => {
    const attempt = () => generateArithmetic({ seed: 1, count: 5, digitsA: 9 });
    expect(attempt).toThrow(/option "digitsA" must be an integer in 1\.\.7 \(got 9\)/);
    expect(() => generateArithmetic({ seed: 1, count: -1 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: expect.stringMatching(/"count" must be an integer in 0\.\.10000000/),
      }),
    );
    let caught: unknown;
    try {
      generateArithmetic({ seed: 1, count: 1, digitsB: 0 });
    } catch (error) {
      caught = error;
    }
    expect(SynthTasksError.isInstance(caught)).toBe(true);
    expect(SynthTasksError.isInstance(new Error('x'))).toBe(false);
    const typo = { seed: 1, count: 1, digitA: 3 } as Parameters<typeof generateArithmetic>[0];
    expect(() => generateArithmetic(typo)).toThrow(/generateArithmetic: unknown option "digitA"/);
    expect(() => generateArithmetic({ seed: 1.5, count: 1 })).toThrow(/"seed" must be a safe integer/);
    const bigint = { seed: 1, count: 10n } as unknown as Parameters<typeof generateArithmetic>[0];
    expect(() => generateArithmetic(bigint)).toThrow(
      /"count" must be an integer in 0\.\.10000000 \(got 10n\)/,
    );
    expect(() => generateArithmetic({ seed: 1, count: 1, op: '-' as '+' })).toThrow(
      /"op" must be '\+' or '\*'/,
    );
  });
});
