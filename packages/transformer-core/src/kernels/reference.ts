// The straightforward tfjs formulation of the ops in this folder, with tfjs-core's stock gradients. The model
// can run on these instead of the fast kernels (`createModel(config, { kernels: 'reference' })`) so tests can
// check the fast path against them and benchmarks can measure what the fast path buys.
import * as tf from '@tensorflow/tfjs-core';

/** `y = x · wᵀ` as one matmul with `transposeB`; its stock gradient uses transposed matmuls. */
export function referenceLinear<R extends tf.Rank>(x: tf.Tensor<R>, w: tf.Tensor2D): tf.Tensor<R> {
  const [out, inFeatures] = w.shape;
  return tf.tidy(() => {
    const y = tf.matMul(tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D, w, false, true);
    return tf.reshape<tf.Rank>(y, [...x.shape.slice(0, -1), out]) as tf.Tensor<R>;
  });
}

/**
 * Rows of `table` at `ids` by `tf.gather`, whose stock gradient needs `UnsortedSegmentSum`; wasm lacks that
 * kernel, so there the reference is the one-hot matmul a plain tfjs model would use instead.
 */
export function referenceEmbedLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.gather(table, ids);
  return tf.matMul(tf.cast(tf.oneHot(ids, table.shape[0]), 'float32') as tf.Tensor2D, table);
}
