import { describe, expect, it } from 'vitest';
import { seededNormal } from '../../test/naive-ols.js';
import { FeatureMoments } from './feature-moments.js';

describe('FeatureMoments', () => {
  const d = 5;
  const normal = seededNormal(1);
  const rows = Float64Array.from({ length: 19 * d }, normal); // 19 rows: two blocks of eight and three more
  const naive = (from: number, to: number) => {
    const sum = new Float64Array(d);
    const cross = new Float64Array(d * d);
    for (let r = from; r < to; r++) {
      for (let i = 0; i < d; i++) {
        sum[i] = (sum[i] as number) + (rows[r * d + i] as number);
        for (let j = 0; j <= i; j++) {
          cross[i * d + j] =
            (cross[i * d + j] as number) + (rows[r * d + i] as number) * (rows[r * d + j] as number);
        }
      }
    }
    return { sum, cross };
  };
  const close = (a: Float64Array, b: Float64Array) => {
    a.forEach((v, k) => {
      expect(v).toBeCloseTo(b[k] as number, 12);
    });
  };

  it('addRows keeps n, Σx and the lower triangle of Σxxᵀ, whatever the block remainder', () => {
    const moments = new FeatureMoments(d);
    moments.addRows(rows, 19);
    const expected = naive(0, 19);
    expect(moments.count).toBe(19);
    close(moments.sum, expected.sum);
    close(moments.cross, expected.cross);
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) expect(moments.cross[i * d + j]).toBe(0);
  });

  it('minus removes a subset; covariance is S/n − mean·meanᵀ', () => {
    const all = new FeatureMoments(d);
    all.addRows(rows, 19);
    const tail = new FeatureMoments(d);
    for (let r = 12; r < 19; r++) tail.addRow(rows, r);
    const head = all.minus(tail);
    const expected = naive(0, 12);
    expect(head.count).toBe(12);
    close(head.sum, expected.sum);
    close(head.cross, expected.cross);
    const cov = head.covariance();
    const mean = expected.sum.map((s) => s / 12);
    expect(cov[3 * d + 1]).toBeCloseTo(
      (expected.cross[3 * d + 1] as number) / 12 - (mean[3] as number) * (mean[1] as number),
      12,
    );
  });
});
