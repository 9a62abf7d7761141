// Backend fact: the stock gradient of tf.gather (tfjs-core/src/gradients/GatherV2_grad.ts) calls
// unsortedSegmentSum, a kernel the wasm backend does not have (tfjs-backend-wasm/src/register_all_kernels.ts),
// so an embedding built on tf.gather cannot be trained there. This op keeps tf.gather for the forward pass and
// computes the table gradient as one plain matmul, oneHotᵀ [V, N] · dy [N, d], with the one-hot transposed
// beforehand so the matmul needs no transpose flag and stays on XNNPACK (see linear.ts).
import * as tf from '@tensorflow/tfjs-core';

/**
 * Embedding lookup: rows of `table` (`[V, d]`) at `ids` (int32, `[N]`); returns `[N, d]`. Differentiable in
 * `table` on every backend. The backward pass builds a `[V, N]` one-hot matrix, so its memory grows with
 * vocabulary size times tokens per batch.
 */
export function embedLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const [vocabSize] = table.shape;
  const lookup = tf.customGrad((t, save) => {
    // Saved, not captured: the caller may dispose `ids` before the backward pass runs.
    (save as tf.GradSaveFunc)([ids]);
    return {
      value: tf.gather(t as tf.Tensor2D, ids), // [N, d]
      gradFunc: (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => {
        // OneHot, then a 2-D transpose: both fast kernels, unlike a broadcast comparison [V, 1] == [1, N] on wasm.
        // wasm's OneHot (tfjs-backend-wasm/src/kernels/OneHot.ts) ignores the dtype attribute and writes int32: cast.
        const oneHotT = tf.transpose(tf.cast(tf.oneHot(savedIds as tf.Tensor1D, vocabSize), 'float32')); // [V, N]
        return tf.matMul(oneHotT as tf.Tensor2D, dy as tf.Tensor2D); // [V, d]
      },
    };
  });
  return lookup(table) as tf.Tensor2D;
}
