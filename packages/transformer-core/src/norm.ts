import * as tf from '@tensorflow/tfjs-core';

/** Weights of a LayerNorm (`weight` and `bias`) or an RMSNorm (`weight` only). */
export interface NormParams {
  /** `[dModel]` */
  weight: tf.Tensor1D;
  /** `[dModel]`; LayerNorm only. */
  bias?: tf.Tensor1D;
}

/** The norms' ε: 1e-5, as in PyTorch's nn.LayerNorm and LLaMA's RMSNorm. */
export const NORM_EPS = 1e-5;

/**
 * Normalises over the last axis. With a bias this is LayerNorm, `(x - mean) / sqrt(var + eps) · w + b`;
 * without, RMSNorm, `x / sqrt(mean(x²) + eps) · w` (Zhang & Sennrich 2019), which skips the mean.
 */
export function norm<T extends tf.Tensor>(x: T, p: NormParams): T {
  return tf.tidy(() => {
    if (p.bias === undefined) {
      const meanSquare = tf.mean(tf.square(x), -1, true); // [..., 1]
      return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, NORM_EPS))), p.weight);
    }
    const { mean, variance } = tf.moments(x, -1, true); // [..., 1] each
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, NORM_EPS)));
    return tf.add(tf.mul(normed, p.weight), p.bias);
  }) as T;
}
