import {
  type SamplingOptions,
  samplingDistribution,
  type TransformerModel,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The exact probability of every continuation of `prompt` by `length` tokens under head 0 of `model` with
 * `sampling`, by enumeration: one full forward (no cache) over every prefix of each length, the product of
 * `samplingDistribution` along the way. Entry `Σ_i x_i · V^(length−1−i)` is the probability of `[x_0, …]`.
 */
export function exactContinuations(
  model: TransformerModel,
  prompt: number[],
  length: number,
  sampling: SamplingOptions,
): Float64Array {
  const V = model.config.vocabSize;
  let prefixes: number[][] = [[]];
  let probs = new Float64Array([1]);
  for (let depth = 0; depth < length; depth++) {
    const last = tf.tidy(() => {
      const [logits] = model.forward(prefixes.map((prefix) => [...prompt, ...prefix])).logits;
      const T = prompt.length + depth;
      return tf.slice(logits as tf.Tensor3D, [0, T - 1, 0], [-1, 1, -1]).dataSync();
    });
    const next = new Float64Array(probs.length * V);
    prefixes.forEach((_, r) => {
      const p = samplingDistribution(last.subarray(r * V, (r + 1) * V), sampling);
      for (let x = 0; x < V; x++) next[r * V + x] = (probs[r] ?? 0) * (p[x] ?? 0);
    });
    prefixes = prefixes.flatMap((prefix) => Array.from({ length: V }, (_, x) => [...prefix, x]));
    probs = next;
  }
  return probs;
}

/** Index of a continuation in {@link exactContinuations}' table. */
export function continuationIndex(tokens: readonly number[], vocabSize: number): number {
  return tokens.reduce((index, x) => index * vocabSize + x, 0);
}
