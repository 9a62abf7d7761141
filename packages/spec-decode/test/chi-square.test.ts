import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareCritical } from './chi-square.js';

describe('chi-square helpers of the distribution tests', () => {
  it('critical values are within 1% of the tabulated 0.999 quantiles', () => {
    // NIST/SEMATECH e-Handbook, table 1.3.6.7.4 (upper-tail critical values of the chi-square distribution).
    for (const [df, table] of [
      [10, 29.588],
      [30, 59.703],
      [80, 124.839],
    ] as const) {
      expect(Math.abs(chiSquareCritical(df, 0.001) / table - 1)).toBeLessThan(0.01);
    }
  });

  it('computes Pearson’s statistic by hand, pooling cells expected below 5', () => {
    // n = 100 over p = (0.5, 0.3, 0.17, 0.02, 0.01): expected 50, 30, 17, then 2 + 1 = 3 pooled.
    const { statistic, degreesOfFreedom } = chiSquare([40, 35, 20, 3, 2], [0.5, 0.3, 0.17, 0.02, 0.01]);
    const byHand = 10 ** 2 / 50 + 5 ** 2 / 30 + 3 ** 2 / 17 + 2 ** 2 / 3;
    expect(statistic).toBeCloseTo(byHand, 12);
    expect(degreesOfFreedom).toBe(3);
  });

  it('a draw in a cell of probability 0 makes the statistic infinite', () => {
    expect(chiSquare([5, 1], [1, 0]).statistic).toBe(Number.POSITIVE_INFINITY);
  });
});
