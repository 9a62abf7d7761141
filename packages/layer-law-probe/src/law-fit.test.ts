import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitLayerLaw } from './law-fit.js';

describe('fitLayerLaw: the digest’s law-fit vectors', () => {
  it('PR = [0.8, 0.4, 0.2, 0.1] → log10 slope −0.30103, ρ = 0.5, fitted PR_1 = 0.8, r = −1, ratio 0.125', () => {
    const fit = fitLayerLaw({ pr: [0.8, 0.4, 0.2, 0.1] });
    expect((fit.slope as number) / Math.LN10).toBeCloseTo(-0.30103, 5);
    expect(fit.slope).toBeCloseTo(Math.log(0.5), 14);
    expect(fit.rho).toBeCloseTo(0.5, 14);
    expect(Math.exp(fit.intercept as number)).toBeCloseTo(0.8, 14);
    expect(fit.r).toBeCloseTo(-1, 14);
    expect(fit.r2).toBeCloseTo(1, 14);
    expect(fit.ratio).toBeCloseTo(0.125, 14);
    expect(fit.layers).toEqual([1, 2, 3, 4]);
    expect(fit.degenerate).toBeNull();
  });

  it('PR = [0.9, 0.5, 0.6, 0.3] → ρ = 0.73246, r = −0.88214, ratio 1/3', () => {
    const fit = fitLayerLaw({ pr: [0.9, 0.5, 0.6, 0.3] });
    expect(fit.rho).toBeCloseTo(0.73246, 5);
    expect(fit.r).toBeCloseTo(-0.88214, 5);
    expect(fit.r2).toBeCloseTo((fit.r as number) ** 2, 14);
    expect(fit.ratio).toBeCloseTo(1 / 3, 14);
  });
});

describe('fitLayerLaw: properties', () => {
  it('an exact geometric sequence PR_l = a·ρ^l is recovered at any layer offset, and r = sign(ln ρ)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0.5, max: 1.5, noNaN: true }).filter((rho) => Math.abs(rho - 1) > 1e-3),
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 0, max: 10 }),
        (a, rho, count, offset) => {
          const layers = Array.from({ length: count }, (_, i) => offset + i);
          const fit = fitLayerLaw({ pr: layers.map((_, i) => a * rho ** i), layers });
          expect(fit.rho).toBeCloseTo(rho, 10);
          expect(fit.intercept).toBeCloseTo(Math.log(a), 9);
          expect(fit.r).toBeCloseTo(Math.sign(Math.log(rho)), 10);
        },
      ),
    );
  });

  it('r does not depend on the log base or on a common factor of every PR', () => {
    const pr = [0.9, 0.7, 0.75, 0.4, 0.35];
    const fit = fitLayerLaw({ pr });
    const scaled = fitLayerLaw({ pr: pr.map((v) => v / 10) });
    expect(scaled.r).toBeCloseTo(fit.r as number, 14);
    expect(scaled.slope).toBeCloseTo(fit.slope as number, 14);
  });
});

describe('fitLayerLaw: degenerate inputs give a clear result, never NaN', () => {
  // JSON would turn NaN into null silently, so check the numbers themselves: finite, or null on purpose.
  const noNaN = (fit: object) => {
    for (const value of Object.values(fit))
      if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
  };

  it('constant PR: slope 0, ρ = 1, r and R² null', () => {
    const fit = fitLayerLaw({ pr: [0.5, 0.5, 0.5] });
    expect(fit).toMatchObject({ slope: 0, rho: 1, r: null, r2: null, ratio: 1, degenerate: 'constant-pr' });
    expect(fit.intercept).toBeCloseTo(Math.log(0.5), 14);
    noNaN(fit);
  });

  it('one layer: no slope, ratio 1', () => {
    const fit = fitLayerLaw({ pr: [0.3] });
    expect(fit).toMatchObject({
      slope: null,
      rho: null,
      r: null,
      r2: null,
      ratio: 1,
      degenerate: 'single-layer',
    });
    expect(fit.intercept).toBeCloseTo(Math.log(0.3), 14);
    noNaN(fit);
  });

  it('a zero PR (perfect in-sample fit): no log-linear fit; the ratio is kept when PR_first > 0', () => {
    expect(fitLayerLaw({ pr: [0.5, 0.2, 0] })).toMatchObject({
      slope: null,
      ratio: 0,
      degenerate: 'zero-pr',
    });
    expect(fitLayerLaw({ pr: [0, 0.2, 0.1] })).toMatchObject({
      slope: null,
      ratio: null,
      degenerate: 'zero-pr',
    });
    expect(fitLayerLaw({ pr: [0] })).toMatchObject({
      intercept: null,
      ratio: null,
      degenerate: 'single-layer',
    });
  });

  it('bad input is an error naming the field', () => {
    expect(() => fitLayerLaw({ pr: [] })).toThrow(/`pr`: must hold/);
    expect(() => fitLayerLaw({ pr: [0.5, Number.NaN] })).toThrow(/`pr\[1\]`: .*got NaN/);
    expect(() => fitLayerLaw({ pr: [0.5, -0.1] })).toThrow(/`pr\[1\]`/);
    expect(() => fitLayerLaw({ pr: [0.5, 0.4], layers: [1] })).toThrow(/`layers`: must give one/);
    expect(() => fitLayerLaw({ pr: [0.5, 0.4], layers: [1, 1] })).toThrow(/`layers`: must be distinct/);
    expect(() => fitLayerLaw({ pr: [0.5, 0.4], layers: [1, Infinity] })).toThrow(/`layers\[1\]`/);
  });
});
