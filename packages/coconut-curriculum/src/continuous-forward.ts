// The continuous-thought forward (Hao et al. 2024, §3): the input embedding of latent slot m is the last hidden
// state h at the position before it, so thoughts are computed one after the other.
//
// h is the next-token path's last-layer output *after* the final norm: the reference code feeds back Hugging
// Face GPT-2's `hidden_states[-1]`, which GPT2Model appends after `ln_f`. Here that is
// `model.finalNorm(heads.0)`: transformer-core's named hidden states are all taken before `ln_f`, and `heads.0` is
// the last block of the next-token path (or head 0's linear map), whose normalised output the unembedding reads.
// Learned position embeddings are still added to a thought, as GPT-2 adds `wpe` to any `inputs_embeds`.
import { type ForwardOutput, KVCache, stepSeed, type TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { type LatentLayout, latentLayout, type ThoughtBatch } from './latent-layout.js';

/** How {@link continuousForward} computes the thoughts. */
export type ThoughtMode = 'cached' | 'naive';

/** Options of {@link continuousForward}. */
export interface ContinuousForwardOptions {
  /** The latent placeholder id: each occurrence in `ids` is one continuous thought. */
  latent: number;
  /**
   * `cached`: the reference code's procedure, n + 1 passes sharing one KV cache (the prefix before the first
   * thought, one column per further thought, then the rest). `naive`: for each thought, a fresh forward over
   * every column before it, then one forward over the whole batch; no cache. Both compute the same function.
   * @default 'cached'
   */
  mode?: ThoughtMode;
  /**
   * Apply the model's dropout (training).
   * @default false
   */
  training?: boolean;
  /**
   * With `training`, pass p draws its dropout masks from `stepSeed(seed, p, 0)`, so the same seed gives the same
   * masks.
   * @default undefined (the model's own stream)
   */
  seed?: number;
}

/**
 * Result of {@link continuousForward}. The caller owns (and must dispose) every tensor. (A type rather than an
 * interface, so that it is a `tf.TensorContainer`: `tf.dispose(output)`.)
 */
export type ContinuousForwardOutput = {
  /** Head-0 logits `[B, W, vocabSize]` at every column, as one forward over `inputsEmbeds` would give them. */
  logits: tf.Tensor3D;
  /** The input embeddings actually used, `[B, W, dModel]`: token embeddings with each latent slot's thought. */
  inputsEmbeds: tf.Tensor3D;
  /**
   * `[B, n, dModel]` with n the largest thought count of the batch: row b's thought m (the state fed into its
   * latent m). Entries past a row's own count are states of ordinary columns, not thoughts.
   */
  thoughts: tf.Tensor3D;
  /** Model calls made: n + 1 for `cached` (1 without thoughts), the same count of ever-longer calls for `naive`. */
  passes: number;
};

/**
 * Runs `model` over a batch whose latent placeholders are replaced, one after the other, by continuous thoughts.
 * Gradients flow through every thought (nothing is detached), so a loss on later tokens trains the positions that
 * produced the thoughts. Rows may hold different numbers of thoughts if their first latents share a column (use
 * {@link collate}); each row's logits equal those of the row run alone.
 *
 * @throws {CoconutError} (`INVALID_BATCH`) for a layout the passes cannot fill; `ModelError` from the model for
 * ids, masks or widths it rejects (a batch is at most `contextLength` columns wide).
 */
export function continuousForward(
  model: TransformerModel,
  batch: ThoughtBatch,
  options: ContinuousForwardOptions,
): ContinuousForwardOutput {
  const layout = latentLayout(batch, options.latent);
  const run = new PassRunner(model, layout, options);
  return tf.tidy(() => {
    const tokens = model.embed(batch.ids);
    return options.mode === 'naive' ? run.naive(tokens) : run.cached(tokens);
  });
}

// One continuousForward call: the batch's layout, and the model calls over column ranges.
class PassRunner {
  private passCount = 0;
  // Per thought index m, one weight per row: 1 where the row has thought m, 0 where its column start + m is a token.
  private readonly isThought: number[][];

  constructor(
    private readonly model: TransformerModel,
    private readonly layout: LatentLayout,
    private readonly options: ContinuousForwardOptions,
  ) {
    this.isThought = Array.from({ length: layout.maxCount }, (_, m) =>
      layout.counts.map((n) => (m < n ? 1 : 0)),
    );
  }

  // The reference procedure: the prefix [0, s), then column s + m for each further thought, then the rest.
  cached(tokens: tf.Tensor3D): ContinuousForwardOutput {
    const { start: s, maxCount: n, width } = this.layout;
    if (n === 0) return this.withoutThoughts(tokens);
    const cache = new KVCache();
    try {
      const logits: tf.Tensor3D[] = [];
      const columns: tf.Tensor3D[] = [slice(tokens, 0, s)];
      const thoughts: tf.Tensor3D[] = [];
      let out = this.pass(columns[0] as tf.Tensor3D, 0, s, cache, true);
      for (let m = 0; m < n; m++) {
        logits.push(out.logits[0] as tf.Tensor3D);
        const thought = this.lastState(out);
        thoughts.push(thought);
        const column = this.fill(m, thought, slice(tokens, s + m, s + m + 1));
        columns.push(column);
        const last = m === n - 1;
        const input = last ? concat([column, slice(tokens, s + m + 1, width)]) : column;
        out = this.pass(input, s + m, last ? width : s + m + 1, cache, !last);
      }
      logits.push(out.logits[0] as tf.Tensor3D);
      columns.push(slice(tokens, s + n, width));
      return this.output(concat(logits), concat(columns), thoughts);
    } finally {
      cache.dispose();
    }
  }

  // Each thought from a fresh forward over every column before it; then one forward over everything.
  naive(tokens: tf.Tensor3D): ContinuousForwardOutput {
    const { start: s, maxCount: n, width } = this.layout;
    let embeds = tokens;
    const thoughts: tf.Tensor3D[] = [];
    for (let m = 0; m < n; m++) {
      const thought = this.lastState(this.pass(slice(embeds, 0, s + m), 0, s + m, undefined, true));
      thoughts.push(thought);
      const column = this.fill(m, thought, slice(tokens, s + m, s + m + 1));
      embeds = concat([slice(embeds, 0, s + m), column, slice(embeds, s + m + 1, width)]);
    }
    const out = this.pass(embeds, 0, width, undefined, false);
    return this.output(out.logits[0] as tf.Tensor3D, embeds, thoughts);
  }

  private withoutThoughts(tokens: tf.Tensor3D): ContinuousForwardOutput {
    const out = this.pass(tokens, 0, this.layout.width, undefined, false);
    return this.output(out.logits[0] as tf.Tensor3D, tokens, []);
  }

  private output(
    logits: tf.Tensor3D,
    inputsEmbeds: tf.Tensor3D,
    thoughts: tf.Tensor3D[],
  ): ContinuousForwardOutput {
    const [B, , d] = inputsEmbeds.shape;
    const stacked = thoughts.length > 0 ? concat(thoughts) : (tf.zeros([B, 0, d]) as tf.Tensor3D);
    return { logits, inputsEmbeds, thoughts: stacked, passes: this.passCount };
  }

  // Head 0 over columns [from, to) of the batch (after `from` cached columns when there is a cache).
  private pass(
    input: tf.Tensor3D,
    from: number,
    to: number,
    kvCache: KVCache | undefined,
    returnHiddenStates: boolean,
  ): ForwardOutput {
    const { attentionMask, positionIds } = this.layout;
    const { training = false, seed } = this.options;
    const passSeed = training && seed !== undefined ? stepSeed(seed, this.passCount, 0) : undefined;
    this.passCount++;
    return this.model.forward(
      { inputsEmbeds: input },
      {
        kvCache,
        attentionMask: attentionMask.map((row) => row.slice(0, to)),
        positionIds: positionIds.map((row) => row.slice(from, to)),
        returnHiddenStates,
        training,
        seed: passSeed,
      },
    );
  }

  // finalNorm(heads.0) at the pass's last column, [B, 1, d]: the state the next latent slot receives.
  private lastState(out: ForwardOutput): tf.Tensor3D {
    const h = out.hiddenStates?.find((state) => state.name === 'heads.0')?.tensor as tf.Tensor3D;
    const T = h.shape[1];
    return this.model.finalNorm(slice(h, T - 1, T));
  }

  // Column start + m: the thought in rows that have thought m, the token embedding elsewhere. A blend with 0/1
  // weights rather than a scatter: exact (x·1 + y·0 = x) and differentiable in both arguments.
  private fill(m: number, thought: tf.Tensor3D, token: tf.Tensor3D): tf.Tensor3D {
    const weights = this.isThought[m] as number[];
    const w = tf.tensor3d(weights, [weights.length, 1, 1]);
    return tf.add(tf.mul(thought, w), tf.mul(token, tf.sub(1, w))) as tf.Tensor3D;
  }
}

function slice(x: tf.Tensor3D, from: number, to: number): tf.Tensor3D {
  return tf.slice(x, [0, from, 0], [-1, to - from, -1]);
}

function concat(parts: tf.Tensor3D[]): tf.Tensor3D {
  const nonEmpty = parts.filter((p) => p.shape[1] > 0);
  return nonEmpty.length === 1 ? (nonEmpty[0] as tf.Tensor3D) : (tf.concat(nonEmpty, 1) as tf.Tensor3D);
}
