import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveResidual, oneHotColumns, seededNormal, seededRandom, thrown } from '../test/naive-ols.js';
import { ResidualAccumulator } from './accumulator.js';
import { LayerLawError } from './errors.js';

/** The residual of one batch of rows `x` (n × d) with targets `y`. */
function residualOf(x: number[][], y: number[], options: { oneHot?: boolean } = {}) {
  const accumulator = new ResidualAccumulator({ dim: x[0]?.length ?? 1, ...options });
  accumulator.add({ features: x.flat(), targets: y });
  return accumulator.residual();
}

const column = (values: number[]) => values.map((v) => [v]);

describe('ResidualAccumulator: the digest’s exact vectors (intercept included; checked there with numpy lstsq)', () => {
  it('V1: x = [0, 1, 2, 3], y = [1, 3, 5, 7] → 0 (y is affine in x)', () => {
    expect(residualOf(column([0, 1, 2, 3]), [1, 3, 5, 7]).pr).toBeCloseTo(0, 14);
  });

  it('V2: x = [−1, 0, 1], y = [1, 0, 1] → 1 (zero covariance)', () => {
    expect(residualOf(column([-1, 0, 1]), [1, 0, 1]).pr).toBeCloseTo(1, 14);
  });

  it('V3: x = [0, 1, 2], y = [0, 0, 1] → 1/4 (SST = 2/3, SSE = 1/6)', () => {
    expect(residualOf(column([0, 1, 2]), [0, 0, 1]).pr).toBeCloseTo(0.25, 14);
  });

  it('V4: x = [0, 1, 2, 3], ids [5, 5, 7, 7] → 0.2, one-hot → 0.2', () => {
    const result = residualOf(column([0, 1, 2, 3]), [5, 5, 7, 7], { oneHot: true });
    expect(result.pr).toBeCloseTo(0.2, 14);
    expect(result.prOneHot).toBeCloseTo(0.2, 14);
  });

  it('V5: x = [0, 1, 2]: ids [0, 1, 2] → 0; ids [0, 2, 1] → 0.75; one-hot, either order → 0.5', () => {
    const inOrder = residualOf(column([0, 1, 2]), [0, 1, 2], { oneHot: true });
    const swapped = residualOf(column([0, 1, 2]), [0, 2, 1], { oneHot: true });
    expect(inOrder.pr).toBeCloseTo(0, 14);
    expect(swapped.pr).toBeCloseTo(0.75, 14);
    expect(inOrder.prOneHot).toBeCloseTo(0.5, 14);
    expect(swapped.prOneHot).toBeCloseTo(0.5, 14);
  });

  it('V6: X = [[0, 0], [1, 0], [0, 1], [1, 1]], y = x₁ + 2x₂ → 0', () => {
    const x = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    expect(residualOf(x, [0, 1, 2, 3]).pr).toBeCloseTo(0, 14);
  });
});

/** n rows of d standard normal features. */
const gaussianRows = (n: number, d: number, seed: number) => {
  const normal = seededNormal(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, normal));
};

/** Targets that depend on the features (a noisy linear score, cut into `classes` ids). */
const idsFrom = (x: number[][], classes: number, seed: number) => {
  const normal = seededNormal(seed);
  return x.map((row) => {
    const score = row.reduce((s, v, i) => s + v * (i + 1), 0) + normal();
    return Math.min(classes - 1, Math.max(0, Math.floor(score + classes / 2)));
  });
};

describe('ResidualAccumulator: agreement with the textbook normal equations', () => {
  it('in-sample and one-hot PR equal a direct least-squares fit to 1e-10 (n = 60, d = 4, 6 classes)', () => {
    const x = gaussianRows(60, 4, 1);
    const ids = idsFrom(x, 6, 2);
    const result = residualOf(x, ids, { oneHot: true });
    expect(result.rank).toBe(4);
    expect(result.pr).toBeCloseTo(naiveResidual({ x, ys: [ids] }), 10);
    expect(result.prOneHot).toBeCloseTo(naiveResidual({ x, ys: oneHotColumns(ids) }), 10);
  });

  it('held-out PR (fit on one stream, scored on another) equals the direct computation to 1e-10', () => {
    const x = gaussianRows(50, 3, 3);
    const evalX = gaussianRows(40, 3, 4).map((row) => row.map((v) => 2 * v + 0.5)); // shifted distribution
    const ids = idsFrom(x, 5, 5);
    const evalIds = idsFrom(evalX, 7, 6); // classes 5 and 6 never seen in the fit
    const fit = new ResidualAccumulator({ dim: 3, oneHot: true });
    fit.add({ features: x.flat(), targets: ids });
    const heldOut = new ResidualAccumulator({ dim: 3, oneHot: true });
    heldOut.add({ features: evalX.flat(), targets: evalIds });
    const result = fit.residual({ heldOut });
    expect(result.samples).toBe(50);
    expect(result.heldOutSamples).toBe(40);
    expect(result.pr).toBeCloseTo(naiveResidual({ x, ys: [ids], evalX, evalYs: [evalIds] }), 10);
    expect(result.prOneHot).toBeCloseTo(
      naiveResidual({ x, ys: oneHotColumns(ids, evalIds), evalX, evalYs: oneHotColumns(evalIds, ids) }),
      10,
    );
  });

  it('held-out on a copy of the fitted samples equals the in-sample residual', () => {
    const x = gaussianRows(30, 3, 7);
    const ids = idsFrom(x, 4, 8);
    const fit = new ResidualAccumulator({ dim: 3, oneHot: true });
    const copy = new ResidualAccumulator({ dim: 3, oneHot: true });
    for (const accumulator of [fit, copy]) accumulator.add({ features: x.flat(), targets: ids });
    const inSample = fit.residual();
    const heldOut = fit.residual({ heldOut: copy });
    expect(heldOut.pr).toBeCloseTo(inSample.pr, 12);
    expect(heldOut.prOneHot).toBeCloseTo(inSample.prOneHot as number, 12);
  });
});

describe('ResidualAccumulator: rank deficiency', () => {
  it('a duplicated and a constant column change neither PR nor the rank beyond the independent columns', () => {
    const x = gaussianRows(40, 3, 9);
    const ids = idsFrom(x, 5, 10);
    const padded = x.map((row) => [...row, row[0] as number, 7, (row[1] as number) - (row[2] as number)]);
    const full = residualOf(x, ids, { oneHot: true });
    const deficient = residualOf(padded, ids, { oneHot: true });
    expect(deficient.rank).toBe(3);
    expect(deficient.pr).toBeCloseTo(full.pr, 10);
    expect(deficient.prOneHot).toBeCloseTo(full.prOneHot as number, 10);
  });

  it('LayerNorm-like rows (each sums to zero) lose one rank and keep the residual of the free coordinates', () => {
    const x = gaussianRows(50, 4, 11).map((row) => {
      const mean = row.reduce((s, v) => s + v, 0) / row.length;
      return row.map((v) => v - mean);
    });
    const ids = idsFrom(x, 4, 12);
    const result = residualOf(x, ids);
    expect(result.rank).toBe(3);
    expect(result.pr).toBeCloseTo(naiveResidual({ x: x.map((row) => row.slice(0, 3)), ys: [ids] }), 10);
  });

  it('fewer samples than features fit perfectly: PR = 0 (the minimum-norm solution interpolates)', () => {
    const x = gaussianRows(5, 8, 13);
    const result = residualOf(x, [0, 3, 1, 4, 2]);
    expect(result.rank).toBe(4); // n − 1 centred samples span 4 directions
    expect(result.pr).toBeCloseTo(0, 10);
  });
});

const invertible = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }))
  .map(([d, seed]) => {
    const random = seededRandom(seed);
    // I + 0.4·(noise): diagonally dominant, so invertible and well conditioned; columns rescaled up to 10⁴×.
    const a = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => (i === j ? 1 : 0) + (0.8 * random() - 0.4) / d),
    );
    const scales = Array.from({ length: d }, () => 10 ** (8 * random() - 4));
    const b = Array.from({ length: d }, () => 100 * random() - 50);
    return { d, seed, a, scales, b };
  });

describe('ResidualAccumulator: invariances (property tests)', () => {
  it('PR and one-hot PR are unchanged (to 1e-9) by x → Ax + b for invertible A, features scaled over 8 decades', () => {
    fc.assert(
      fc.property(invertible, ({ d, seed, a, scales, b }) => {
        const x = gaussianRows(12 + 4 * d, d, seed);
        const ids = idsFrom(x, 4, seed + 1);
        const mapped = x.map((row) =>
          a.map(
            (ai, i) =>
              (scales[i] as number) * ai.reduce((s, v, j) => s + v * (row[j] as number), 0) +
              (b[i] as number),
          ),
        );
        const before = residualOf(x, ids, { oneHot: true });
        const after = residualOf(mapped, ids, { oneHot: true });
        expect(Math.abs(after.pr - before.pr)).toBeLessThan(1e-9);
        expect(Math.abs((after.prOneHot as number) - (before.prOneHot as number))).toBeLessThan(1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('PR is unchanged (to 1e-9) by y → a·y + c for a ≠ 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.boolean(),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (seed, magnitude, negative, c) => {
          const x = gaussianRows(20, 3, seed);
          const y = idsFrom(x, 6, seed + 1).map((id, k) => id + 0.1 * (k % 3));
          const a = negative ? -magnitude : magnitude;
          const before = residualOf(x, y).pr;
          expect(
            Math.abs(
              residualOf(
                x,
                y.map((v) => a * v + c),
              ).pr - before,
            ),
          ).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a permutation of the ids leaves one-hot PR unchanged and gives id PR of the relabelled targets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
        (seed, permutation) => {
          const x = gaussianRows(30, 3, seed);
          const ids = idsFrom(x, 6, seed + 1);
          const relabelled = ids.map((id) => permutation[id] as number);
          const before = residualOf(x, ids, { oneHot: true });
          const after = residualOf(x, relabelled, { oneHot: true });
          expect(Math.abs((after.prOneHot as number) - (before.prOneHot as number))).toBeLessThan(1e-10);
          expect(after.pr).toBeCloseTo(naiveResidual({ x, ys: [relabelled] }), 9);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('0 ≤ PR ≤ 1, and adding a feature column never raises the in-sample PR', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 5 }), (seed, d) => {
        const x = gaussianRows(15, d + 1, seed);
        const ids = idsFrom(x, 5, seed + 1);
        const fewer = residualOf(
          x.map((row) => row.slice(0, d)),
          ids,
          { oneHot: true },
        );
        const more = residualOf(x, ids, { oneHot: true });
        for (const pr of [fewer.pr, more.pr, fewer.prOneHot as number, more.prOneHot as number]) {
          expect(pr).toBeGreaterThanOrEqual(0);
          expect(pr).toBeLessThanOrEqual(1);
        }
        expect(more.pr).toBeLessThanOrEqual(fewer.pr + 1e-12);
        expect(more.prOneHot as number).toBeLessThanOrEqual((fewer.prOneHot as number) + 1e-12);
      }),
      { numRuns: 100 },
    );
  });
});

describe('ResidualAccumulator: streaming', () => {
  it('property: batches of any sizes give the one-batch residuals to 1e-9', () => {
    const x = gaussianRows(64, 5, 21).map((row) => row.map((v) => 1000 + v)); // a large mean, as hidden states have
    const ids = idsFrom(
      x.map((row) => row.map((v) => v - 1000)),
      8,
      22,
    );
    const whole = residualOf(x, ids, { oneHot: true });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 64 }), { maxLength: 12 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), 64];
        const streamed = new ResidualAccumulator({ dim: 5, oneHot: true });
        for (let k = 1; k < bounds.length; k++) {
          const rows = x.slice(bounds[k - 1], bounds[k]);
          streamed.add({
            features: Float32Array.from(rows.flat()),
            targets: ids.slice(bounds[k - 1], bounds[k]),
          });
        }
        const result = streamed.residual();
        const float32 = residualOf(
          x.map((row) => [...Float32Array.from(row)]),
          ids,
          { oneHot: true },
        );
        expect(result.samples).toBe(64);
        expect(Math.abs(result.pr - float32.pr)).toBeLessThan(1e-9);
        expect(Math.abs((result.prOneHot as number) - (float32.prOneHot as number))).toBeLessThan(1e-9);
      }),
      { numRuns: 100 },
    );
    expect(whole.samples).toBe(64);
  });
});

describe('ResidualAccumulator: the null case', () => {
  it('features independent of the target give mean PR 1 − d/(N − 1) (N = 1000, d = 50: 0.94995) within ±0.004', () => {
    // In-sample R² of d independent Gaussian features is Beta(d/2, (N − d − 1)/2): mean d/(N − 1), sd ≈ 0.0097
    // here, so the mean of 100 repetitions has sd ≈ 0.001 and ±0.004 is a 4-sd band (seeded: deterministic).
    const n = 1000;
    const d = 50;
    const random = seededRandom(31);
    const normal = seededNormal(32);
    let total = 0;
    const repetitions = 100;
    for (let rep = 0; rep < repetitions; rep++) {
      const features = Float64Array.from({ length: n * d }, normal);
      const targets = Array.from({ length: n }, () => Math.floor(random() * 64));
      const accumulator = new ResidualAccumulator({ dim: d });
      accumulator.add({ features, targets });
      total += accumulator.residual().pr;
    }
    const expected = 1 - d / (n - 1);
    expect(expected).toBeCloseTo(0.94995, 5);
    expect(Math.abs(total / repetitions - expected)).toBeLessThan(0.004);
  });
});

describe('ResidualAccumulator: bad input', () => {
  it('names the field at fault and adds nothing from a rejected batch', () => {
    const accumulator = new ResidualAccumulator({ dim: 2 });
    const error = thrown;
    expect(error(() => new ResidualAccumulator({ dim: 0 }))).toMatchObject({
      code: 'INVALID_OPTION',
      field: 'dim',
    });
    expect(error(() => accumulator.add({ features: [1, 2, 3], targets: [1, 2] }))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'features',
    });
    expect(error(() => accumulator.add({ features: [1, 2, 3, Number.NaN], targets: [1, 2] }))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'features',
      message: expect.stringContaining('row 1, feature 1 is NaN'),
    });
    expect(error(() => accumulator.add({ features: [1, 2, 3, 4], targets: [1, Infinity] }))).toMatchObject({
      field: 'targets[1]',
    });
    expect(accumulator.samples).toBe(0);
    expect(LayerLawError.isInstance(error(() => accumulator.residual()))).toBe(true);
    expect(error(() => accumulator.residual())).toMatchObject({ code: 'DEGENERATE_DATA' });
    accumulator.add({ features: [1, 2, 3, 4, 5, 6], targets: [4, 4, 4] });
    expect(error(() => accumulator.residual())).toMatchObject({
      code: 'DEGENERATE_DATA',
      message: expect.stringContaining('never varies over the 3 samples'),
    });
    expect(error(() => accumulator.residual({ heldOut: new ResidualAccumulator({ dim: 3 }) }))).toMatchObject(
      {
        code: 'INVALID_INPUT',
        field: 'heldOut',
      },
    );
  });
});
