import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelError } from './errors.js';
import { sampleToken, samplingDistribution, seededRandom } from './sample.js';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return ModelError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return 'no error';
};

// Probabilities 1/10, 2/10, 3/10, 4/10 at temperature 1.
const ladder = [0, Math.log(2), Math.log(3), Math.log(4)];
const close = (actual: Float64Array, expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  for (const [i, e] of expected.entries()) expect(actual[i]).toBeCloseTo(e, 12);
};

describe('samplingDistribution', () => {
  it('computes softmax(l / τ), then the top-k cut, then the top-p nucleus, renormalised (by hand)', () => {
    close(samplingDistribution(ladder), [0.1, 0.2, 0.3, 0.4]);
    // τ = 2 takes square roots of the weights: √1 : √2 : √3 : √4.
    const roots = [1, Math.SQRT2, Math.sqrt(3), 2];
    const sum = roots.reduce((a, b) => a + b, 0);
    close(
      samplingDistribution(ladder, { temperature: 2 }),
      roots.map((r) => r / sum),
    );
    close(samplingDistribution(ladder, { topK: 2 }), [0, 0, 3 / 7, 4 / 7]);
    // Nucleus: 0.4 < 0.5, so the next token joins (0.7 ≥ 0.5); 0.4 alone reaches 0.4.
    close(samplingDistribution(ladder, { topP: 0.5 }), [0, 0, 3 / 7, 4 / 7]);
    close(samplingDistribution(ladder, { topP: 0.4 }), [0, 0, 0, 1]);
    // Top-p applies to the top-k distribution: of 3/7, 4/7, reaching 0.6 takes both.
    close(samplingDistribution(ladder, { topK: 2, topP: 0.6 }), [0, 0, 3 / 7, 4 / 7]);
    close(samplingDistribution(ladder, { temperature: 0 }), [0, 0, 0, 1]);
  });

  it('breaks ties towards the lower id (greedy and top-k) and gives −∞ logits probability 0', () => {
    const tied = [1, 3, 0.5, 3, Number.NEGATIVE_INFINITY, 2];
    close(samplingDistribution(tied, { temperature: 0 }), [0, 1, 0, 0, 0, 0]);
    close(samplingDistribution(tied, { topK: 1 }), [0, 1, 0, 0, 0, 0]);
    expect(samplingDistribution(tied)[4]).toBe(0);
  });

  it('rejects NaN, +∞, rows without a finite logit and out-of-range options, naming them', () => {
    expect(message(() => samplingDistribution([0, Number.NaN]))).toBe(
      'INPUT_INVALID: samplingDistribution: logit 1 is NaN',
    );
    expect(message(() => samplingDistribution([Number.POSITIVE_INFINITY]))).toContain('logit 0 is Infinity');
    expect(message(() => samplingDistribution([Number.NEGATIVE_INFINITY]))).toContain(
      'at least one finite logit',
    );
    expect(message(() => samplingDistribution([]))).toContain('at least one finite logit');
    expect(message(() => samplingDistribution([1], { temperature: -1 }))).toContain('temperature must be');
    expect(message(() => samplingDistribution([1], { topK: 0 }))).toContain('topK must be an integer ≥ 1');
    expect(message(() => samplingDistribution([1], { topP: 1.5 }))).toContain('topP must be in (0, 1]');
  });

  const logitRows = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 16 });
  const options = fc.record({
    temperature: fc.double({ min: 0.1, max: 5, noNaN: true }),
    topK: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    topP: fc.double({ min: 0.01, max: 1, noNaN: true }),
  });

  it('sums to 1; keeps min(k, V) tokens; keeps the smallest most-likely set reaching p (property)', () => {
    fc.assert(
      fc.property(logitRows, options, (logits, { temperature, topK, topP }) => {
        const V = logits.length;
        const pi = samplingDistribution(logits, { temperature, topK, topP });
        expect(Math.abs(pi.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
        // Top-k alone keeps exactly min(k, V) tokens (every weight is positive for these logits and temperatures).
        const q = samplingDistribution(logits, { temperature, topK });
        expect(q.filter((x) => x > 0)).toHaveLength(Math.min(topK ?? V, V));
        // The nucleus S: most likely first, its top-k mass reaches p, and without its least likely token it does not.
        const support = [...pi.keys()].filter((i) => (pi[i] ?? 0) > 0);
        const massOf = (ids: number[]) => ids.reduce((sum, i) => sum + (q[i] ?? 0), 0);
        const outside = [...q.keys()].filter((i) => (q[i] ?? 0) > 0 && !support.includes(i));
        const least = Math.min(...support.map((i) => q[i] ?? 0));
        for (const j of outside) expect(q[j]).toBeLessThanOrEqual(least);
        if (outside.length > 0) expect(massOf(support)).toBeGreaterThanOrEqual(topP - 1e-9);
        expect(massOf(support) - least).toBeLessThan(topP + 1e-9);
        // Within S, the top-k probabilities renormalised.
        for (const i of support) expect(pi[i]).toBeCloseTo((q[i] ?? 0) / massOf(support), 12);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('at temperature 0 is the one-hot of the first maximal logit, whatever top-k and top-p (property)', () => {
    fc.assert(
      fc.property(logitRows, options, (logits, { topK, topP }) => {
        const pi = samplingDistribution(logits, { temperature: 0, topK, topP });
        const argmax = logits.indexOf(Math.max(...logits));
        expect(Array.from(pi)).toEqual(logits.map((_, i) => (i === argmax ? 1 : 0)));
      }),
      { numRuns: 100, seed: 4 },
    );
  });
});

describe('sampleToken', () => {
  it('returns the first id whose cumulative weight exceeds u · Σw, never an id of weight 0', () => {
    const weights = [0, 1, 0, 3]; // cumulative 0, 1, 1, 4
    expect(sampleToken(weights, 0)).toBe(1);
    expect(sampleToken(weights, 0.2499)).toBe(1);
    expect(sampleToken(weights, 0.25)).toBe(3);
    expect(sampleToken(weights, 0.9999)).toBe(3);
    expect(sampleToken([2, 0, 0], 0.999)).toBe(0);
  });

  it('rejects u outside [0, 1) and weights that are negative, not finite or all 0', () => {
    expect(message(() => sampleToken([1], 1))).toBe(
      'INPUT_INVALID: sampleToken: u must be in [0, 1) (got 1)',
    );
    expect(message(() => sampleToken([1, -1], 0.5))).toContain('weight 1 is -1');
    expect(message(() => sampleToken([Number.POSITIVE_INFINITY], 0.5))).toContain('weight 0 is Infinity');
    expect(message(() => sampleToken([0, 0], 0.5))).toContain('every weight is 0');
  });

  it('draws each id with its probability (20 000 seeded draws, 4 sigma)', () => {
    const pi = samplingDistribution([1, 3, 0.5, 3, -2, 2], { temperature: 2 });
    const random = seededRandom(7);
    const counts = new Array<number>(6).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const id = sampleToken(pi, random());
      counts[id] = (counts[id] ?? 0) + 1;
    }
    // The standard error of each frequency is below 0.0036, so 0.015 is over 4 sigma.
    for (const [i, p] of pi.entries()) expect(Math.abs((counts[i] ?? 0) / n - p)).toBeLessThan(0.015);
  });

  it('only returns ids of positive weight (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 10, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (weights, u) => {
          fc.pre(weights.some((w) => w > 0));
          expect(weights[sampleToken(weights, u)]).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe('seededRandom', () => {
  it('is a reproducible stream of numbers in [0, 1)', () => {
    const [a, b, c] = [seededRandom(9), seededRandom(9), seededRandom(10)];
    const draws = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(draws);
    expect(c()).not.toBe(draws[0]);
    for (const u of draws) expect(u >= 0 && u < 1).toBe(true);
  });
});
