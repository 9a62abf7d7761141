import { KVCache, type TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link greedyDecode}. */
export interface GreedyDecodeOptions {
  /** The trained model. */
  model: TransformerModel;
  /** Prompts of equal length (decode prompts of different lengths in separate calls). */
  prompts: readonly (readonly number[])[];
  /** Tokens to generate per prompt. */
  steps: number;
  /**
   * The only ids the decoder may emit (the answer's digits, or the labels and end token): the output format
   * is fixed, so a malformed answer is never produced and every output can go through `invert`.
   */
  allowed: readonly number[];
  /** Rows per forward pass, bounding memory. @default 512 */
  chunk?: number;
}

/**
 * Greedy decoding of a batch, one KV-cached forward per new token, restricted to `allowed` ids: each step
 * takes argmax over allowed ids of the last position's logits. Returns the new tokens of every prompt as
 * plain arrays; no tensor outlives the call.
 */
export function greedyDecode(options: GreedyDecodeOptions): number[][] {
  const { model, prompts, steps, allowed, chunk = 512 } = options;
  const width = prompts[0]?.length ?? 0;
  if (prompts.some((p) => p.length !== width)) throw new RangeError('prompts must all have the same length');
  // Logits of disallowed ids are pushed far below any real logit before the argmax.
  const allowedSet = new Set(allowed);
  const penalty = tf.tensor1d(
    Array.from({ length: model.config.vocabSize }, (_, id) => (allowedSet.has(id) ? 0 : -1e9)),
  );
  const out: number[][] = [];
  try {
    for (let start = 0; start < prompts.length; start += chunk) {
      out.push(...decodeChunk(model, prompts.slice(start, start + chunk), steps, penalty));
    }
  } finally {
    penalty.dispose();
  }
  return out;
}

function decodeChunk(
  model: TransformerModel,
  prompts: readonly (readonly number[])[],
  steps: number,
  penalty: tf.Tensor1D,
): number[][] {
  const cache = new KVCache();
  const tokens = prompts.map(() => [] as number[]);
  try {
    let input: number[][] = prompts.map((p) => [...p]);
    for (let s = 0; s < steps; s++) {
      const next = tf.tidy(() => {
        const [logits] = model.forward(input, { kvCache: cache }).logits as [tf.Tensor3D];
        const [b, t, v] = logits.shape;
        const last = tf.reshape(tf.slice(logits, [0, t - 1, 0], [b, 1, v]), [b, v]);
        return tf.argMax(tf.add(last, penalty), 1);
      });
      const ids = Array.from(next.dataSync());
      next.dispose();
      ids.forEach((id, row) => {
        tokens[row]?.push(id);
      });
      input = ids.map((id) => [id]);
    }
  } finally {
    cache.dispose();
  }
  return tokens;
}
