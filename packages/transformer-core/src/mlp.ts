import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.js';

/** Weights of the position-wise MLP, in PyTorch's `[out, in]` layout. */
export interface MlpParams {
  /** `[hidden, dModel]` */
  fc: tf.Tensor2D;
  /** `[dModel, hidden]` */
  proj: tf.Tensor2D;
}

/** The block's feed-forward branch: `proj(gelu(fc(x)))` for `x` of shape `[B, T, dModel]`. */
export function mlp(x: tf.Tensor3D, p: MlpParams, { linear, gelu }: Kernels): tf.Tensor3D {
  return tf.tidy(() => {
    const h = gelu(linear(x, p.fc)); // [B, T, hidden]
    return linear(h, p.proj); // [B, T, dModel]
  });
}
