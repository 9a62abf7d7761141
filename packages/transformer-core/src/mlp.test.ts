import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, onCpu, randn } from '../test/gradcheck.js';
import { gelu, mlp } from './mlp.js';

describe('mlp', () => {
  it('uses the tanh approximation of GELU', () => {
    const y = gelu(tf.tensor1d([-3, -1, 0, 1, 3])).dataSync();
    const expected = [-0.0036373, -0.158808, 0, 0.841192, 2.9963627];
    for (const [i, v] of expected.entries()) expect(y[i]).toBeCloseTo(v, 5);
  });

  it.runIf(onCpu())('gradients match finite differences', () => {
    const x = randn([2, 3, 4], 1);
    const fc = randn([8, 4], 2, 0.5);
    const proj = randn([4, 8], 3, 0.5);
    const r = randn([2, 3, 4], 4);
    const f = (a: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) =>
      tf.sum(
        tf.mul(mlp(a as tf.Tensor3D, { fc: w1 as tf.Tensor2D, proj: w2 as tf.Tensor2D }), r),
      ) as tf.Scalar;
    expect(finiteDifferenceMismatches(f, [x, fc, proj])).toEqual([]);
  });
});
