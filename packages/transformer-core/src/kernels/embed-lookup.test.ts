import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../../test/gradcheck.js';
import { embedLookup } from './embed-lookup.js';

describe('embedLookup', () => {
  const table = randn([7, 3], 1) as tf.Tensor2D;
  const ids = tf.tensor1d([4, 0, 4, 6, 1, 4], 'int32'); // repeated ids must accumulate
  const r = randn([6, 3], 2);
  const loss = (lookup: (t: tf.Tensor2D) => tf.Tensor) => (t: tf.Tensor) =>
    tf.sum(tf.mul(lookup(t as tf.Tensor2D), r)) as tf.Scalar;
  const mine = loss((t) => embedLookup(t, ids));

  it('returns exactly the rows at the ids, for small and large vocabularies', () => {
    expect(embedLookup(table, ids).arraySync()).toEqual(tf.gather(table, ids).arraySync());
    const large = randn([300, 3], 7) as tf.Tensor2D; // above the size where wasm switches from matmul to gather
    const largeIds = tf.tensor1d([299, 0, 150, 150], 'int32');
    expect(embedLookup(large, largeIds).arraySync()).toEqual(tf.gather(large, largeIds).arraySync());
  });

  it('matches the stock one-hot matmul gradient to 1e-5 on every backend', () => {
    const oneHotMatmul = loss((t) => tf.matMul(tf.oneHot(ids, 7), t));
    const [expected] = tf.grads(oneHotMatmul)([table]);
    const [actual] = tf.grads(mine)([table]);
    expect(maxAbsDiff(actual as tf.Tensor, expected as tf.Tensor)).toBeLessThan(1e-5);
  });

  it('matches the stock tf.gather gradient to 1e-5 where it exists (wasm lacks its kernel)', () => {
    const stock = () => tf.grads(loss((t) => tf.gather(t, ids)))([table]);
    if (tf.getBackend() === 'wasm') {
      // The reason this kernel exists: the stock gradient needs UnsortedSegmentSum, which wasm does not have.
      expect(stock).toThrow(/UnsortedSegmentSum/);
      return;
    }
    const [expected] = stock();
    const [actual] = tf.grads(mine)([table]);
    expect(maxAbsDiff(actual as tf.Tensor, expected as tf.Tensor)).toBeLessThan(1e-5);
  });

  it('matches finite differences', () => {
    expect(finiteDifferenceMismatches(mine, [table], { samples: 21 })).toEqual([]);
  });

  it('is differentiable after the ids tensor is disposed (backward uses its own copy)', () => {
    const transient = tf.tensor1d([1, 1, 2], 'int32');
    const [g] = tf.grads((t: tf.Tensor) => {
      const y = embedLookup(t as tf.Tensor2D, transient);
      transient.dispose();
      return tf.sum(y) as tf.Scalar;
    })([table]);
    expect(Array.from((g as tf.Tensor).dataSync())).toEqual([
      0, 0, 0, 2, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });
});
