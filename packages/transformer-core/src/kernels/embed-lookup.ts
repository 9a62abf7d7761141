// Backend fact: the stock gradient of tf.gather (tfjs-core/src/gradients/GatherV2_grad.ts) calls
// unsortedSegmentSum, a kernel the wasm backend does not have (tfjs-backend-wasm/src/register_all_kernels.ts),
// so an embedding built on tf.gather cannot be trained there. This op keeps tf.gather for the forward pass and
// computes the table gradient as one plain matmul, oneHotᵀ [V, N] · dy [N, d], with the one-hot transposed
// beforehand so the matmul needs no transpose flag and stays on XNNPACK (see linear.ts).
// Second fact: wasm's GatherV2 copies ~50 ns per element whatever the vocabulary (12 ms for 1024 rows of 256),
// while a one-hot matmul costs ∝ V; measured crossover V ≈ 512. So on wasm a small vocabulary is looked up by
// oneHot · table too, which gives exactly the same values (every product is x·1 or x·0).
import * as tf from '@tensorflow/tfjs-core';

const WASM_MATMUL_MAX_VOCAB = 256; // half the measured crossover, for margin

// [N, V] float32 one-hot rows of `ids`. wasm's OneHot (tfjs-backend-wasm/src/kernels/OneHot.ts) ignores the
// dtype attribute and writes int32, hence the cast.
const oneHot = (ids: tf.Tensor1D, depth: number) => tf.cast(tf.oneHot(ids, depth), 'float32') as tf.Tensor2D;

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
    const byMatmul = tf.getBackend() === 'wasm' && vocabSize <= WASM_MATMUL_MAX_VOCAB;
    return {
      value: byMatmul
        ? tf.matMul(oneHot(ids, vocabSize), t as tf.Tensor2D)
        : tf.gather(t as tf.Tensor2D, ids), // [N, d]
      gradFunc: (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => {
        // OneHot, then a 2-D transpose: both fast kernels, unlike a broadcast comparison [V, 1] == [1, N] on wasm.
        const oneHotT = tf.transpose(oneHot(savedIds as tf.Tensor1D, vocabSize)); // [V, N]
        return tf.matMul(oneHotT, dy as tf.Tensor2D); // [V, d]
      },
    };
  });
  return lookup(table) as tf.Tensor2D;
}
