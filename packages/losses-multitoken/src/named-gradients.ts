import type { NamedGradients } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * `sums + scale · grads`, name by name, as new tensors; a name in only one of them keeps its (scaled) value.
 * Frees nothing: callers run it inside a `tf.tidy`.
 */
export function addScaled(sums: NamedGradients, grads: NamedGradients, scale = 1): NamedGradients {
  const total: NamedGradients = {};
  for (const name of new Set([...Object.keys(sums), ...Object.keys(grads)])) {
    const sum = sums[name];
    const g = grads[name];
    const scaled = g === undefined || scale === 1 ? g : tf.mul(g, scale);
    if (scaled === undefined) total[name] = tf.clone(sum as tf.Tensor);
    else total[name] = sum === undefined ? tf.clone(scaled) : tf.add(sum, scaled);
  }
  return total;
}
