import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from './errors.js';

/** Gradients keyed by parameter name. */
export type NamedGradients = Record<string, tf.Tensor>;

/** Result of {@link clipByGlobalNorm}; the caller owns (and disposes) every tensor in it. */
export interface ClippedGradients {
  /** The gradients scaled by `min(1, maxNorm / norm)`, new tensors with the input names. */
  grads: NamedGradients;
  /** The global L2 norm before clipping, kept on the device so reading it can share one sync with the loss. */
  norm: tf.Scalar;
}

/** Global L2 norm `sqrt(sum_i ||g_i||^2)` over all gradients, as a device scalar. */
export function globalNorm(grads: NamedGradients): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar;
  });
}

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm` (PyTorch's `clip_grad_norm_`):
 * the direction of the update is unchanged, only its length is capped. Nothing is read from the device.
 */
export function clipByGlobalNorm(grads: NamedGradients, maxNorm: number): ClippedGradients {
  checkNumber('clipNorm', maxNorm, Number.MIN_VALUE);
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    // 1e-6 as in PyTorch keeps a zero gradient from dividing by zero.
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    const clipped: NamedGradients = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
    return { grads: clipped, norm };
  });
}
