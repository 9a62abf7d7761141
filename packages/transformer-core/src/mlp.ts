import * as tf from '@tensorflow/tfjs-core';
import { linear } from './kernels/linear.js';

/** Weights of the position-wise MLP, in PyTorch's `[out, in]` layout. */
export interface MlpParams {
  /** `[hidden, dModel]` */
  fc: tf.Tensor2D;
  /** `[dModel, hidden]` */
  proj: tf.Tensor2D;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (as in GPT-2): `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`. */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  }) as T;
}

/** The block's feed-forward branch: `proj(gelu(fc(x)))` for `x` of shape `[B, T, dModel]`. */
export function mlp(x: tf.Tensor3D, p: MlpParams): tf.Tensor3D {
  return tf.tidy(() => {
    const h = gelu(linear(x, p.fc)); // [B, T, hidden]
    return linear(h, p.proj); // [B, T, dModel]
  });
}
