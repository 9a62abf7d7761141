import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionMaskInput, PositionIdsInput } from './batch-inputs.js';
import { ModelError } from './errors.js';
import { isEmbeddingsInput, optionsObject } from './input-checks.js';
import type { KVCache } from './kv-cache.js';
import type { ForwardInput, TransformerModel } from './model.js';

/** Options of {@link decodeStep}. */
export interface DecodeStepOptions {
  /** The cache the new positions are appended to (and attended over). Unchanged if the step throws. */
  kvCache: KVCache;
  /**
   * Heads whose logits to return; `logits[j]` belongs to `heads[j]`.
   * @default [0]
   */
  heads?: number[];
  /** As in `forward`: `[B, kvCache.length + T]`, 1 = real token, 0 = padding. */
  attentionMask?: AttentionMaskInput;
  /** As in `forward`: `[B, T]` position of each new token within its own sequence. */
  positionIds?: PositionIdsInput;
  /**
   * How many of the last fed positions to return logits for, in `[1, T]` (a speculative decoder verifying k
   * drafts fed after the last accepted token needs k + 1).
   * @default 1
   */
  lastPositions?: number;
}

/**
 * One incremental decoding step: feeds token ids `[B, T]` or input embeddings `[B, T, dModel]` through `model`
 * with `options.kvCache` (which grows by T) and returns the logits of the last `lastPositions` positions of
 * each row for each requested head, as plain data: `logits[j][b][p]` is a `Float32Array` of length `vocabSize`
 * for head `heads[j]`, row b, and the p-th of the returned positions (p = 0 earliest). Feed
 * {@link samplingDistribution} with them to get the distribution `generate` samples from. Leaves
 * `tf.memory().numTensors` unchanged once the cache holds every layer (the first step adds its tensors).
 *
 * @throws {ModelError} as `forward` does, or when `lastPositions` is not an integer in `[1, T]`; the cache is
 * unchanged then.
 */
export function decodeStep(
  model: TransformerModel,
  input: ForwardInput,
  options: DecodeStepOptions,
): Float32Array[][][] {
  const {
    kvCache,
    heads = [0],
    attentionMask,
    positionIds,
    lastPositions = 1,
  } = optionsObject(options, 'decodeStep');
  const T = inputLength(input);
  if (!Number.isInteger(lastPositions) || lastPositions < 1 || (T > 0 && lastPositions > T)) {
    throw new ModelError(
      'INPUT_INVALID',
      `decodeStep: lastPositions must be an integer in [1, ${T}] (the fed positions) (got ${describeValue(lastPositions)})`,
    );
  }
  // The last positions of every head, sliced inside the tidy; read back (outside it) one head at a time.
  const tails = tf.tidy(() =>
    model
      .forward(input, { kvCache, heads, attentionMask, positionIds })
      .logits.map((l) => tf.slice(l, [0, l.shape[1] - lastPositions, 0], [-1, lastPositions, -1])),
  );
  return tails.map((tail) => {
    const [B, P, V] = tail.shape;
    const values = tail.dataSync() as Float32Array;
    tail.dispose();
    return Array.from({ length: B }, (_, b) =>
      Array.from({ length: P }, (_, p) => values.subarray((b * P + p) * V, (b * P + p + 1) * V)),
    );
  });
}

// T of well-formed input; 0 when it cannot be read (forward then reports what is wrong).
function inputLength(input: ForwardInput): number {
  if (isEmbeddingsInput(input)) return input.inputsEmbeds?.shape?.[1] ?? 0;
  if (input instanceof tf.Tensor) return input.shape[1] ?? 0;
  return Array.isArray(input) ? (input[0]?.length ?? 0) : 0;
}
