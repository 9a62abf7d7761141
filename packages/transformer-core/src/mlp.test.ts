import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../test/gradcheck.js';
import { gelu } from './kernels/gelu.js';
import { KERNELS } from './kernels/index.js';
import { mlp } from './mlp.js';

describe('mlp', () => {
  it('computes proj(gelu(fc(x))) with PyTorch-layout weights', () => {
    const x = randn([2, 3, 4], 1);
    const fc = randn([8, 4], 2);
    const proj = randn([4, 8], 3);
    const expected = tf.matMul(gelu(tf.matMul(tf.reshape(x, [6, 4]), fc, false, true)), proj, false, true);
    const y = mlp(x as tf.Tensor3D, { fc: fc as tf.Tensor2D, proj: proj as tf.Tensor2D }, KERNELS.fast);
    expect(maxAbsDiff(tf.reshape(y, [6, 4]), expected)).toBeLessThan(1e-5);
  });

  it('gradients match finite differences', () => {
    const x = randn([2, 3, 4], 1);
    const fc = randn([8, 4], 2, 0.5);
    const proj = randn([4, 8], 3, 0.5);
    const r = randn([2, 3, 4], 4);
    const f = (a: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) =>
      tf.sum(
        tf.mul(mlp(a as tf.Tensor3D, { fc: w1 as tf.Tensor2D, proj: w2 as tf.Tensor2D }, KERNELS.fast), r),
      ) as tf.Scalar;
    expect(finiteDifferenceMismatches(f, [x, fc, proj])).toEqual([]);
  });
});
