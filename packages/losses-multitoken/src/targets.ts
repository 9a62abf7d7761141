import * as tf from '@tensorflow/tfjs-core';
import { type BatchTensors, batchTensors, type MultiTokenBatch } from './batch.js';
import { MultiTokenArgumentError } from './errors.js';

/** What head `head` is scored against on one batch. */
export interface HeadTargets {
  /** `[B, T]` int32: `ids[b][t + 1 + head]`, or 0 where that falls past the window. */
  targets: tf.Tensor2D;
  /** `[B, T]` float32 weight of each position: 0 where it is not scored (see {@link multiTokenTargets}). */
  mask: tf.Tensor2D;
}

/** Options of {@link multiTokenTargets}. */
export interface MultiTokenTargetsOptions {
  /** The window of tokens (and optional token weights). */
  batch: MultiTokenBatch;
  /** Head index i ≥ 0: head i predicts the token i + 1 positions ahead. */
  head: number;
  /** Vocabulary size; array ids are checked against it. */
  vocabSize: number;
  /** Targets equal to this id are not scored (padding). */
  padId?: number;
}

/**
 * The targets and position weights of head i (predicting token t + 1 + i) on a window `ids` of length T:
 *
 *     target[b][t] = ids[b][t + 1 + i]
 *     mask[b][t]   = [t + 1 + i < T] · [ids[b][t + 1 + i] ≠ padId] · batchMask[b][t + 1 + i]
 *
 * so the last i + 1 positions of every row, targets that are padding and targets the batch mask drops are not
 * scored. The caller owns (and disposes) both tensors.
 *
 * @throws {MultiTokenArgumentError} for a head that is not an integer ≥ 0, or a batch of the wrong shape.
 */
export function multiTokenTargets(options: MultiTokenTargetsOptions): HeadTargets {
  const { batch, head, vocabSize, padId } = options;
  if (!Number.isInteger(head) || head < 0) {
    throw new MultiTokenArgumentError('head', `expected an integer ≥ 0, got ${head}`);
  }
  const tensors = batchTensors(batch, vocabSize);
  try {
    return headTargets(tensors, head, padId);
  } finally {
    tf.dispose(tensors.owned);
  }
}

/** {@link multiTokenTargets} on a batch already converted by `batchTensors`. */
export function headTargets(batch: BatchTensors, head: number, padId: number | undefined): HeadTargets {
  return tf.tidy(() => {
    const [B, T] = batch.ids.shape;
    const offset = head + 1;
    const kept = Math.max(T - offset, 0); // positions whose target lies inside the window
    // Shift left by `offset`, zeros at the end: the value at t is that of token t + offset.
    const shift = (x: tf.Tensor2D, dtype: 'int32' | 'float32'): tf.Tensor2D =>
      kept === 0
        ? tf.zeros([B, T], dtype)
        : tf.concat([tf.slice(x, [0, offset], [B, kept]), tf.zeros([B, T - kept], dtype)], 1);
    const targets = shift(batch.ids, 'int32');
    let mask = shift(batch.mask ?? tf.ones([B, T]), 'float32');
    if (padId !== undefined) mask = tf.mul(mask, tf.cast(tf.notEqual(targets, padId), 'float32'));
    return { targets, mask };
  });
}
