import { describe, expect, it } from 'vitest';
import { KitError } from './errors.js';
import { mean, median, pearson, pooledStd, sampleStd, summarizeValues, welchT } from './stats.js';

describe('statistics', () => {
  it('mean and sample std match values worked out by hand', () => {
    // Σx = 40, n = 8 → mean 5; Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32 → s² = 32/7.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sampleStd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 15);
    expect(sampleStd([3, 3, 3])).toBe(0);
  });

  it('median is the middle value, or the mean of the two middle ones, whatever the input order', () => {
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([2, 100, 3, 2])).toBe(2.5);
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]); // the input is not sorted in place
    expect(() => median([])).toThrow(KitError);
  });

  it('pools the two groups’ variances with n − 1 weights', () => {
    // s_a² = 1, s_b² = 4, each with 2 degrees of freedom → (2·1 + 2·4) / 4 = 2.5.
    expect(pooledStd([1, 2, 3], [2, 4, 6])).toBeCloseTo(Math.sqrt(2.5), 15);
    // A single value adds no spread but counts in n: (0 + 1·2) / (1 + 2 − 2) = 2.
    expect(pooledStd([5], [1, 3])).toBeCloseTo(Math.SQRT2, 15);
  });

  it("computes Welch's t and its degrees of freedom", () => {
    // s_a²/n_a = 1/3, s_b²/n_b = 4/3; t = (4 − 2) / √(5/3); ν = (5/3)² / ((1/3)²/2 + (4/3)²/2) = 50/17.
    const { t, df } = welchT([1, 2, 3], [2, 4, 6]);
    expect(t).toBeCloseTo(2 / Math.sqrt(5 / 3), 14);
    expect(df).toBeCloseTo(50 / 17, 14);
    expect(welchT([2, 4, 6], [1, 2, 3]).t).toBeCloseTo(-2 / Math.sqrt(5 / 3), 14);
    // Zero spread: an infinite t when the means differ, undefined otherwise.
    expect(welchT([1, 1], [2, 2]).t).toBe(Infinity);
    expect(welchT([1, 1], [1, 1]).t).toBeNaN();
  });

  it("computes Pearson's r", () => {
    // x̄ = 2.5, ȳ = 3.75: Σ dx·dy = 3.5, Σ dx² = 5, Σ dy² = 4.75 → r = 3.5 / √23.75.
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 4])).toBeCloseTo(3.5 / Math.sqrt(23.75), 15);
    expect(pearson([1, 2, 3], [10, 8, 6])).toBeCloseTo(-1, 15);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(() => pearson([1, 2], [1])).toThrow('pearson: needs as many y values as x values (2), got 1');
  });

  it('summarizes one value without a spread', () => {
    expect(summarizeValues([0.25])).toEqual({ n: 1, mean: 0.25, std: null });
    expect(summarizeValues([1, 3])).toEqual({ n: 2, mean: 2, std: Math.SQRT2 });
  });

  it('refuses too few values with an error naming the helper', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return KitError.isInstance(error) ? `${error.code} ${error.field}` : 'other';
      }
      return 'no error';
    };
    expect(codeOf(() => mean([]))).toBe('INVALID_ARGUMENT mean');
    expect(codeOf(() => sampleStd([1]))).toBe('INVALID_ARGUMENT sampleStd');
    expect(codeOf(() => pooledStd([1], [2]))).toBe('INVALID_ARGUMENT pooledStd');
    expect(codeOf(() => welchT([1], [2, 3]))).toBe('INVALID_ARGUMENT welchT (first group)');
  });
});
