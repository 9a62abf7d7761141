// Backend fact: wasm's BatchMatMul runs on XNNPACK only when the batch is 1 and neither transpose flag is set
// (tfjs-backend-wasm/src/cc/batch_mat_mul_impl.cc); otherwise it falls back to a naive loop that is ~9x slower.
// The stock gradient (tfjs-core/src/gradients/BatchMatMul_grad.ts) always sets a transpose flag. This op
// flattens the input to one 2-D matrix and materialises every transpose (O(n·d) copies, cheap next to an
// O(n·d·d) slow-path matmul), so forward and backward use only plain 2-D matmuls.
import * as tf from '@tensorflow/tfjs-core';
import { transpose2d } from './transpose.js';

// y = x · wᵀ with x [N, in] and w [out, in] (PyTorch's nn.Linear layout).
const linear2d = tf.customGrad((x, w, save) => {
  const input = x as tf.Tensor2D;
  const weight = w as tf.Tensor2D;
  (save as tf.GradSaveFunc)([input, weight]);
  return {
    value: tf.matMul(input, transpose2d(weight)), // [N, out]
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedX, savedW] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D; // [N, out]
      const inFeatures = savedX.shape[1];
      const out = dy2.shape[1];
      // dw = dyᵀ · x contracts over the N tokens, so its right operand has N rows, and XNNPACK repacks that
      // operand on every call (a new tensor each step): packing costs N × its width. Keep the narrower of x and
      // dy on the right: for a narrowing map (in > out) compute (xᵀ · dy)ᵀ, whose final transpose is only
      // weight-sized.
      const dw =
        inFeatures > out
          ? transpose2d(tf.matMul(transpose2d(savedX), dy2)) // [in, N] · [N, out] → [out, in]
          : tf.matMul(transpose2d(dy2), savedX); // [out, N] · [N, in]
      return [tf.matMul(dy2, savedW), dw]; // dx = dy · w [N, in]
    },
  };
});

/**
 * Linear map without bias: `y = x · wᵀ` over the last axis, for `x` of shape `[..., in]` and `w` of shape
 * `[out, in]`; returns `[..., out]`. Differentiable in both arguments on every backend, with forward and
 * backward kept on the backend's fastest (batch-1, untransposed) matmul.
 */
export function linear<R extends tf.Rank>(x: tf.Tensor<R>, w: tf.Tensor2D): tf.Tensor<R> {
  const [out, inFeatures] = w.shape;
  const leading = x.shape.slice(0, -1);
  return tf.tidy(() => {
    const x2d = tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D; // [N, in]
    const y = linear2d(x2d, w); // [N, out]
    return tf.reshape<tf.Rank>(y, [...leading, out]) as tf.Tensor<R>;
  });
}
