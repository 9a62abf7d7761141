import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

describe('Rng', () => {
  it('int stays in range and hits every value', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 20 }),
        (seed, lo, width) => {
          const rng = new Rng(seed);
          const seen = new Set<number>();
          for (let i = 0; i < 400; i++) {
            const x = rng.int(lo, lo + width);
            expect(Number.isInteger(x) && x >= lo && x <= lo + width).toBe(true);
            seen.add(x);
          }
          expect(seen.size).toBe(width + 1);
        },
      ),
      { numRuns: 50 },
    );
    expect(() => new Rng(1).int(3, 2)).toThrow(/lo <= hi/);
  });

  it('shuffle permutes, sample and weightedSample draw distinct items', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { maxLength: 30 }), (seed, items) => {
        const rng = new Rng(seed);
        expect(rng.shuffle(items).sort()).toEqual([...items].sort());
        const unique = [...new Set(items)];
        const k = Math.floor(unique.length / 2);
        expect(new Set(rng.sample(unique, k)).size).toBe(k);
        const picked = rng.weightedSample(
          unique,
          unique.map((_, i) => i + 1),
          k,
        );
        expect(new Set(picked).size).toBe(k);
      }),
    );
  });

  it('Poisson and weighted draws have the right means', () => {
    const rng = new Rng('moments');
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rng.poisson(1.5);
    // Standard error of the mean is sqrt(1.5 / n) ≈ 0.0087; allow 5 of them.
    expect(Math.abs(sum / n - 1.5)).toBeLessThan(0.045);
    let ones = 0;
    for (let i = 0; i < n; i++) ones += rng.weightedIndex([1, 3]);
    expect(Math.abs(ones / n - 0.75)).toBeLessThan(0.015);
    expect(() => rng.poisson(-1)).toThrow(/λ must be in \[0, 30\]/);
  });
});
