import type { TokenIds } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { MultiTokenArgumentError } from './errors.js';

/** Per-token weights `[B, T]`: an int or float tensor, or nested arrays of numbers. */
export type TokenWeights = tf.Tensor2D | number[][];

/**
 * A window of tokens to train or evaluate on. The ids are the model's input and, shifted, every head's targets:
 * head i at position t is scored against `ids[b][t + 1 + i]`.
 */
export interface MultiTokenBatch {
  /** Token ids `[B, T]`: an int32 tensor or nested arrays of integers. */
  ids: TokenIds;
  /**
   * Weight of each token **as a target** `[B, T]`: 1 scores it, 0 never scores it (padding, prompt tokens).
   * Other non-negative values weight it. A position is scored by head i with the weight of the token it
   * predicts, `mask[b][t + 1 + i]`.
   * @default every token weighs 1
   */
  mask?: TokenWeights;
}

/** A batch as tensors: int32 ids and float32 token weights, plus what this module made and must free. */
export interface BatchTensors {
  ids: tf.Tensor2D;
  mask: tf.Tensor2D | undefined;
  owned: tf.Tensor[];
}

/**
 * Checks a batch's shapes (and, for arrays, its values: ids integers in `[0, vocabSize)`, weights finite and
 * non-negative) and returns it as tensors. Tensors given are used as they are, not read: a device read per call
 * would stall GPU backends, so their values are the caller's responsibility (a kept id out of range makes the
 * loss NaN, see `crossEntropy`).
 */
export function batchTensors(batch: MultiTokenBatch, vocabSize: number): BatchTensors {
  if (typeof batch !== 'object' || batch === null) {
    throw new MultiTokenArgumentError('batch', `expected { ids, mask? }, got ${String(batch)}`);
  }
  const owned: tf.Tensor[] = [];
  try {
    const ids = idsTensor(batch.ids, vocabSize, owned);
    const mask = batch.mask === undefined ? undefined : maskTensor(batch.mask, ids.shape, owned);
    return { ids, mask, owned };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}

function idsTensor(ids: TokenIds, vocabSize: number, owned: tf.Tensor[]): tf.Tensor2D {
  if (ids instanceof tf.Tensor) {
    if (ids.rank !== 2 || ids.dtype !== 'int32' || ids.size === 0) {
      throw new MultiTokenArgumentError(
        'batch.ids',
        `expected a non-empty int32 tensor [B, T], got ${ids.dtype} [${ids.shape}]`,
      );
    }
    return ids;
  }
  const rows = checkRows('batch.ids', ids);
  ids.forEach((row, b) => {
    row.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new MultiTokenArgumentError(
          'batch.ids',
          `id ${id} at [${b}, ${t}] is not an integer in [0, ${vocabSize}) (the model's vocabulary)`,
        );
      }
    });
  });
  const tensor = tf.tensor2d(ids, rows, 'int32');
  owned.push(tensor);
  return tensor;
}

function maskTensor(mask: TokenWeights, shape: [number, number], owned: tf.Tensor[]): tf.Tensor2D {
  if (mask instanceof tf.Tensor) {
    if (!tf.util.arraysEqual(mask.shape, shape)) {
      throw new MultiTokenArgumentError(
        'batch.mask',
        `expected the shape of batch.ids [${shape}], got [${mask.shape}]`,
      );
    }
    const floats = tf.cast(mask, 'float32') as tf.Tensor2D;
    if (floats !== mask) owned.push(floats);
    return floats;
  }
  const rows = checkRows('batch.mask', mask);
  if (!tf.util.arraysEqual(rows, shape)) {
    throw new MultiTokenArgumentError(
      'batch.mask',
      `expected the shape of batch.ids [${shape}], got [${rows}]`,
    );
  }
  mask.forEach((row, b) => {
    row.forEach((w, t) => {
      if (!Number.isFinite(w) || w < 0) {
        throw new MultiTokenArgumentError(
          'batch.mask',
          `weight ${w} at [${b}, ${t}] is not a finite number ≥ 0`,
        );
      }
    });
  });
  const tensor = tf.tensor2d(mask, rows, 'float32');
  owned.push(tensor);
  return tensor;
}

// The shape [B, T] of a non-empty rectangular array of number rows.
function checkRows(field: string, rows: unknown): [number, number] {
  const T = Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0].length : 0;
  const ok =
    Array.isArray(rows) &&
    T > 0 &&
    rows.every((row) => Array.isArray(row) && row.length === T && row.every((v) => typeof v === 'number'));
  if (!ok) {
    throw new MultiTokenArgumentError(
      field,
      'expected a tensor or a non-empty [B, T] array of number rows of equal length',
    );
  }
  return [(rows as unknown[]).length, T];
}
