import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { arithmeticGrid } from '../../test/grids.js';
import { conditionalEntropy, entropy, mutualInformation } from '../estimators/information.js';
import { miTable } from './mi-table.js';
import { encodeTargets } from './target-data.js';

// The digest's table (papers/mi-target-reordering.md §1): exact plug-in values on the full 2×2-digit
// multiplication grid, answer digits 10³ 10² 10¹ 10⁰ (target positions 0…3).
const DIGEST_MULTIPLICATION = {
  entropy: [2.713, 3.299, 3.314, 3.034],
  sum: [1.194, 0.152, 0.072, 1.353],
  max: [0.593, 0.058, 0.028, 0.676],
};

const expectWithin = (actual: readonly number[], expected: readonly number[], tolerance: number) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    expect(Math.abs(value - (expected[i] as number)), `position ${i}: ${value}`).toBeLessThan(tolerance);
  });
};

describe('miTable on full grids', () => {
  const multiplication = miTable({ data: arithmeticGrid('*', 2, 4), estimator: 'exact' });

  it("reproduces the digest's 2×2 multiplication digit entropies and single-digit MI within 1e-3 bits", () => {
    expect(multiplication.estimator).toBe('exact');
    expect(multiplication.count).toBe(10_000);
    expectWithin(multiplication.targetEntropy, DIGEST_MULTIPLICATION.entropy, 1e-3);
    expectWithin(multiplication.sum, DIGEST_MULTIPLICATION.sum, 1e-3);
    expectWithin(multiplication.max, DIGEST_MULTIPLICATION.max, 1e-3);
  });

  it('whole-input MI equals the digit entropy, because the answer is a function of the question', () => {
    expectWithin(multiplication.whole, multiplication.targetEntropy, 1e-12);
  });

  it("the constant source tokens '*' and '=' carry no information", () => {
    for (const row of multiplication.tokens) {
      expect(row).toHaveLength(6);
      expect(Math.abs(row[2] as number)).toBeLessThan(1e-12);
      expect(Math.abs(row[5] as number)).toBeLessThan(1e-12);
    }
  });

  it('addition (2+2 digits): H = 1.000 / 3.322 / 3.322; only the carry-out digit has single-digit MI (0.273, from each tens digit)', () => {
    const addition = miTable({ data: arithmeticGrid('+', 2, 3), estimator: 'exact' });
    expectWithin(addition.targetEntropy, [1.0, 3.322, 3.322], 1e-3);
    expectWithin(addition.max, [0.273, 0, 0], 1e-3);
    expectWithin(addition.tokens[0] ?? [], [0.273, 0.002, 0, 0.273, 0.002, 0], 1e-3);
  });

  it('every cell equals the standalone estimators on the same columns', () => {
    const samples = arithmeticGrid('*', 1, 2);
    const table = miTable({ data: samples, estimator: 'miller-madow' });
    const column = (pick: (s: (typeof samples)[number]) => string) => samples.map(pick);
    const tens = column((s) => (s.target as string)[0] as string);
    const a = column((s) => (s.source as string)[0] as string);
    expect(table.targetEntropy[0]).toBeCloseTo(entropy({ x: tens, estimator: 'miller-madow' }), 12);
    expect(table.tokens[0]?.[0]).toBeCloseTo(
      mutualInformation({ x: a, y: tens, estimator: 'miller-madow' }),
      12,
    );
    // Whole input: I(S; t) = H(t) − H(t | S).
    const whole = column((s) => s.source as string);
    const expected =
      entropy({ x: tens, estimator: 'miller-madow' }) -
      conditionalEntropy({ x: tens, given: whole, estimator: 'miller-madow' });
    expect(table.whole[0]).toBeCloseTo(expected, 12);
  });
});

describe('encodeTargets', () => {
  it('weights are multiplicities: a weighted grid equals the grid with samples repeated', () => {
    const grid = arithmeticGrid('*', 1, 2);
    const weights = grid.map((_, k) => 1 + (k % 3));
    const repeated = grid.flatMap((s, k) => Array.from({ length: weights[k] as number }, () => s));
    const weighted = miTable({ data: encodeTargets({ samples: grid, weights }), estimator: 'miller-madow' });
    const plain = miTable({ data: repeated, estimator: 'miller-madow' });
    expectWithin(weighted.targetEntropy, plain.targetEntropy, 1e-12);
    expectWithin(weighted.sum, plain.sum, 1e-12);
    expectWithin(weighted.whole, plain.whole, 1e-12);
  });

  it('arrays and strings are the same sequences; shorter sources read as an absent symbol', () => {
    const data = encodeTargets({
      samples: [
        { source: 'ab', target: 'x' },
        { source: ['a'], target: ['y'] },
        { source: ['a', 'b'], target: 'x' },
      ],
    });
    expect(data.source.map((v) => [...v.codes])).toEqual([
      [0, 0, 0],
      [0, 1, 0],
    ]);
    expect(data.wholeSource.cardinality).toBe(2);
    expect([...(data.target[0]?.codes ?? [])]).toEqual([0, 1, 0]);
  });

  it('characters outside ASCII and the BMP are one token each', () => {
    const data = encodeTargets({
      samples: [
        { source: 'é😀x', target: '😀' },
        { source: 'é😀y', target: 'é' },
      ],
    });
    expect(data.source).toHaveLength(3);
    expect(data.target).toHaveLength(1);
    expect(entropy({ x: data.target[0] ?? [] })).toBe(1);
  });

  it('rejects targets of different lengths, empty targets, and non-sequences, naming the sample', () => {
    const mismatch = errorOf(() =>
      encodeTargets({
        samples: [
          { source: 'a', target: '12' },
          { source: 'b', target: '123' },
        ],
      }),
    );
    expect(mismatch.field).toBe('samples[1].target');
    expect(mismatch.message).toMatch(/3 tokens but samples\[0\]\.target has 2/);
    expect(errorOf(() => encodeTargets({ samples: [{ source: 'a', target: '' }] })).field).toBe(
      'samples[0].target',
    );
    expect(errorOf(() => encodeTargets({ samples: [{ source: 5 as never, target: '1' }] })).field).toBe(
      'samples[0].source',
    );
    expect(errorOf(() => encodeTargets({ samples: [{ source: [{}] as never, target: '1' }] })).field).toBe(
      'samples[0].source[0]',
    );
    expect(errorOf(() => encodeTargets({ samples: [] })).field).toBe('samples');
    expect(errorOf(() => miTable({ data: { nope: 1 } as never })).field).toBe('data');
  });
});
