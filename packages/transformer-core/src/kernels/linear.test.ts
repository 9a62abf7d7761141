import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../../test/gradcheck.js';
import { linear } from './linear.js';

// The stock formulation this kernel replaces: one matmul with a transpose flag and tfjs's own gradient.
const stock = (x: tf.Tensor, w: tf.Tensor): tf.Tensor =>
  tf.reshape(tf.matMul(tf.reshape(x, [-1, w.shape[1] ?? 0]), w as tf.Tensor2D, false, true), [
    ...x.shape.slice(0, -1),
    w.shape[0] ?? 0,
  ]);

describe('linear', () => {
  const x = randn([2, 3, 5], 1);
  const w = randn([4, 5], 2);
  const r = randn([2, 3, 4], 3); // random projection so every output element gets its own weight in the loss
  const loss = (op: typeof stock) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a, b), r)) as tf.Scalar;

  it('computes x · wᵀ over the last axis, keeping leading axes', () => {
    const y = linear(x, w as tf.Tensor2D);
    expect(y.shape).toEqual([2, 3, 4]);
    expect(maxAbsDiff(y, stock(x, w))).toBeLessThan(1e-5);
  });

  it('matches the stock matmul gradient to 1e-5', () => {
    const mine = tf.grads(loss((a, b) => linear(a, b as tf.Tensor2D)))([x, w]);
    const reference = tf.grads(loss(stock))([x, w]);
    for (const [i, g] of mine.entries()) expect(maxAbsDiff(g, reference[i] as tf.Tensor)).toBeLessThan(1e-5);
  });

  it('matches finite differences', () => {
    expect(
      finiteDifferenceMismatches(
        loss((a, b) => linear(a, b as tf.Tensor2D)),
        [x, w],
      ),
    ).toEqual([]);
  });

  it('creates exactly its output tensor when called outside tf.tidy', () => {
    const before = tf.memory().numTensors;
    const y = linear(x, w as tf.Tensor2D);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose(y);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads(loss((a, b) => linear(a, b as tf.Tensor2D)))([x, w]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
