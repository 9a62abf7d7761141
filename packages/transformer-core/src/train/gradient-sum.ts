import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from './clip.js';

// The one running sum behind every gradient combination (micro-batches, shards, heads): `sum + scale · more`,
// consuming its inputs so a total over any number of terms costs one set of tensors.

/**
 * @internal `sum + scale · more`, freeing `sum` and `more` (the result may be `more` itself when there is no
 * `sum` and `scale` is 1). Starts a total when `sum` is undefined.
 */
export function addScaledTensor<T extends tf.Tensor>(sum: T | undefined, more: T, scale = 1): T {
  const scaled = scale === 1 ? more : (tf.mul(more, scale) as T);
  if (scaled !== more) more.dispose();
  if (sum === undefined) return scaled;
  const total = tf.add(sum, scaled) as T;
  tf.dispose([sum, scaled]);
  return total;
}

/**
 * @internal The name-wise `sum + scale · more` of two gradient records, taking ownership of both: each of their
 * tensors is part of the result or freed. A name in only one record keeps its (scaled) gradient, so the result
 * holds the union of the names: a parameter some terms do not reach keeps what the others contribute.
 */
export function addScaled(sum: NamedGradients, more: NamedGradients, scale = 1): NamedGradients {
  const total: NamedGradients = { ...sum };
  for (const [name, g] of Object.entries(more)) total[name] = addScaledTensor(total[name], g, scale);
  return total;
}

/** Options of {@link addGradients}. */
export interface AddGradientsOptions {
  /** The running sum so far (`{}` to start one). Consumed: its tensors become part of the result or are freed. */
  sums: NamedGradients;
  /** The gradients to add. Consumed like `sums`. */
  grads: NamedGradients;
  /** Factor applied to `grads` before adding, e.g. 1/k for a mean over k terms. Default 1. */
  scale?: number;
}

/**
 * The name-wise running sum of gradient records, for combining gradients computed piece by piece (micro-batches,
 * heads, shards):
 *
 *     result_p = sums_p + scale · grads_p   (a name in only one record keeps its, scaled, gradient)
 *
 * so the result holds the union of the names: a parameter some terms do not reach keeps what the others
 * contribute. Both records are consumed (each tensor is part of the result or freed), so a total over any number
 * of terms holds one set of tensors: `total = addGradients({ sums: total, grads: next })`. Do not use `sums` or
 * `grads` afterwards. This is the sum `perMicroBatch` and `headByHeadGradients` use.
 */
export function addGradients(options: AddGradientsOptions): NamedGradients {
  const { sums, grads, scale = 1 } = options;
  return addScaled(sums, grads, scale);
}
