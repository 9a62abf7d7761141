import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededNormal } from '../../test/naive-ols.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** Max |A − V diag(λ) Vᵀ| and max |VᵀV − I| of a decomposition of the row-major symmetric `a`. */
function errors(a: Float64Array, n: number) {
  const { values, vectors } = symmetricEigen(a, n);
  let reconstruction = 0;
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let dot = 0;
      for (let k = 0; k < n; k++) {
        const vik = vectors[k * n + i] as number;
        const vjk = vectors[k * n + j] as number;
        sum += vik * (values[k] as number) * vjk;
        dot += (vectors[i * n + k] as number) * (vectors[j * n + k] as number);
      }
      reconstruction = Math.max(reconstruction, Math.abs(sum - (a[i * n + j] as number)));
      orthogonality = Math.max(orthogonality, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return { values, reconstruction, orthogonality };
}

const symmetric = (n: number, entries: number[]) => {
  const a = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      a[i * n + j] = entries[k] as number;
      a[j * n + i] = entries[k++] as number;
    }
  }
  return a;
};

describe('symmetricEigen', () => {
  it('finds the eigenpairs of [[2, 1], [1, 2]] (eigenvalues 1 and 3) and of a diagonal matrix', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    // (1, 1)/√2 belongs to 3, up to sign.
    expect(Math.abs(vectors[2] as number)).toBeCloseTo(Math.SQRT1_2, 14);
    expect((vectors[2] as number) * (vectors[3] as number)).toBeCloseTo(0.5, 14);
    const diagonal = symmetricEigen(Float64Array.from([5, 0, 0, 0, -1, 0, 0, 0, 2]), 3);
    expect([...diagonal.values]).toEqual([-1, 2, 5]);
  });

  it('handles the orders 0 and 1', () => {
    expect(symmetricEigen(new Float64Array(0), 0).values.length).toBe(0);
    const one = symmetricEigen(Float64Array.from([7]), 1);
    expect([...one.values, ...one.vectors]).toEqual([7, 1]);
  });

  it('stays finite and orthonormal with subnormal off-diagonals beside a zero diagonal (found by the property below)', () => {
    const a = symmetric(3, [1.5099033134902123e-14, -5e-324, 0, 3.690126830199834e-164, 0, 0]);
    const { values, reconstruction, orthogonality } = errors(a, 3);
    expect([...values].every(Number.isFinite)).toBe(true);
    expect(values[2]).toBe(1.5099033134902123e-14);
    expect(reconstruction).toBeLessThan(1e-28);
    expect(orthogonality).toBeLessThan(1e-15);
  });

  it('reads only the lower triangle', () => {
    const full = symmetricEigen(Float64Array.from([4, 1, 1, 3]), 2).values;
    const lower = symmetricEigen(Float64Array.from([4, 99, 1, 3]), 2).values;
    expect([...lower]).toEqual([...full]);
  });

  it('a rank-1 matrix u·uᵀ has eigenvalue |u|² once and zeros (to roundoff) otherwise', () => {
    const u = [1, -2, 3, 0.5, 4];
    const n = u.length;
    const a = Float64Array.from(
      { length: n * n },
      (_, k) => (u[Math.floor(k / n)] as number) * (u[k % n] as number),
    );
    const { values, reconstruction } = errors(a, n);
    expect(values[n - 1]).toBeCloseTo(30.25, 12);
    for (let i = 0; i < n - 1; i++) expect(Math.abs(values[i] as number)).toBeLessThan(1e-13);
    expect(reconstruction).toBeLessThan(1e-13);
  });

  it('property: V diag(λ) Vᵀ reconstructs any symmetric matrix and V is orthonormal (n ≤ 12)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.double({ min: -10, max: 10, noNaN: true }), {
              minLength: (n * (n + 1)) / 2,
              maxLength: (n * (n + 1)) / 2,
            }),
          ),
        ),
        ([n, entries]) => {
          const a = symmetric(n, entries);
          const { values, reconstruction, orthogonality } = errors(a, n);
          for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] as number);
          expect(reconstruction).toBeLessThan(1e-11 * Math.max(1, ...entries.map(Math.abs)));
          expect(orthogonality).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a 100×100 Gram matrix of random vectors reconstructs to 1e-11 relative', () => {
    const n = 100;
    const normal = seededNormal(7);
    const x = Array.from({ length: 3 * n }, () => Array.from({ length: n }, normal));
    const a = Float64Array.from({ length: n * n }, (_, k) =>
      x.reduce((s, row) => s + (row[Math.floor(k / n)] as number) * (row[k % n] as number), 0),
    );
    const { values, reconstruction, orthogonality } = errors(a, n);
    expect(reconstruction / (values[n - 1] as number)).toBeLessThan(1e-11);
    expect(orthogonality).toBeLessThan(1e-12);
  });
});
