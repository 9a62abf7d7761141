import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, randn } from '../test/gradcheck.js';
import { norm } from './norm.js';

describe('norm', () => {
  const x = tf.add(randn([2, 3, 6], 1, 2), 0.5);
  const weight = randn([6], 2) as tf.Tensor1D;
  const bias = randn([6], 3) as tf.Tensor1D;
  const r = randn([2, 3, 6], 4);

  it('LayerNorm with unit weight and zero bias gives rows of mean 0 and variance 1', () => {
    const y = norm(x, { weight: tf.ones([6]) as tf.Tensor1D, bias: tf.zeros([6]) as tf.Tensor1D });
    const { mean, variance } = tf.moments(y, -1);
    for (const m of mean.dataSync()) expect(m).toBeCloseTo(0, 5);
    for (const v of variance.dataSync()) expect(v).toBeCloseTo(1, 3); // eps = 1e-5 shrinks it slightly
  });

  it('RMSNorm divides each row by its root mean square, then scales by the weight', () => {
    const y = norm(x, { weight }).arraySync() as number[][][];
    const rows = x.arraySync() as number[][][];
    const w = weight.arraySync();
    rows.flat().forEach((row, i) => {
      const rms = Math.sqrt(row.reduce((s, v) => s + v * v, 0) / row.length + 1e-5);
      for (const [j, v] of row.entries()) expect(y.flat()[i]?.[j]).toBeCloseTo((v / rms) * (w[j] ?? 0), 5);
    });
  });

  it('LayerNorm gradients match finite differences', () => {
    const f = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(norm(a, { weight: w as tf.Tensor1D, bias: b as tf.Tensor1D }), r)) as tf.Scalar;
    expect(finiteDifferenceMismatches(f, [x, weight, bias])).toEqual([]);
  });

  it('RMSNorm gradients match finite differences', () => {
    const f = (a: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.mul(norm(a, { weight: w as tf.Tensor1D }), r)) as tf.Scalar;
    expect(finiteDifferenceMismatches(f, [x, weight])).toEqual([]);
  });
});
