// The per-call inputs that let one batch hold sequences of different lengths (left padding, as Hugging Face and
// the Coconut code batch them): which cached + new positions are real, and where each row's tokens sit. Both are
// small [B, ·] integer grids, read back and checked on the CPU so that a bad value is a clear error instead of a
// silently wrong gather (wasm's one-hot lookup turns an out-of-range id into a row of zeros).
import * as tf from '@tensorflow/tfjs-core';
import { invalidInput } from './input-checks.js';

/**
 * Attention (padding) mask `[B, S]`, `S` = cached + new positions: 1 where a position holds a real token, 0 where it
 * is padding that no query may attend to. An int32 or float32 tensor, or nested arrays, of 0s and 1s.
 */
export type AttentionMaskInput = tf.Tensor2D | number[][];

/** Position ids `[B, T]` of the new positions, one row per sequence: an int32 tensor or nested arrays of integers. */
export type PositionIdsInput = tf.Tensor2D | number[][];

/** Where a {@link readAttentionMask} or {@link readPositionIds} call gets its expected shape from, for messages. */
interface Expected {
  rows: number;
  columns: number;
  /** How the column count arises, e.g. `S = 3 cached + 2 new positions`. */
  columnsMean: string;
}

/**
 * The attention mask as plain rows, checked to be `[B, S]` and to hold only 0 and 1.
 *
 * @throws {ModelError} (`INPUT_INVALID`) naming `attentionMask` and what is wrong with it.
 */
export function readAttentionMask(mask: AttentionMaskInput, expected: Expected): number[][] {
  const rows = readGrid(mask, 'attentionMask', ['int32', 'float32'], expected);
  for (const [b, row] of rows.entries()) {
    const bad = row.find((m) => m !== 0 && m !== 1);
    if (bad !== undefined) {
      invalidInput(`attentionMask[${b}] holds ${bad}; use 1 for a real token and 0 for padding`);
    }
  }
  return rows;
}

/**
 * The position ids as plain rows, checked to be `[B, T]` integers in `[0, contextLength)`.
 *
 * @throws {ModelError} (`INPUT_INVALID`) naming `positionIds` and what is wrong with them.
 */
export function readPositionIds(
  ids: PositionIdsInput,
  expected: Expected,
  contextLength: number,
): number[][] {
  const rows = readGrid(ids, 'positionIds', ['int32'], expected);
  for (const [b, row] of rows.entries()) {
    const bad = row.find((p) => !Number.isInteger(p) || p < 0 || p >= contextLength);
    if (bad !== undefined) {
      invalidInput(`positionIds[${b}] holds ${bad}, not an integer in [0, ${contextLength}) (contextLength)`);
    }
  }
  return rows;
}

function readGrid(
  value: tf.Tensor2D | number[][],
  field: string,
  dtypes: tf.DataType[],
  { rows, columns, columnsMean }: Expected,
): number[][] {
  const want = `[${rows}, ${columns}] (${columnsMean})`;
  if (value instanceof tf.Tensor) {
    if (value.rank !== 2 || !dtypes.includes(value.dtype)) {
      const kinds = dtypes.join(' or ');
      const article = /^[aeiou]/.test(kinds) ? 'an' : 'a';
      invalidInput(
        `${field} must be ${article} ${kinds} tensor ${want} (got ${value.dtype} [${value.shape}])`,
      );
    }
    if (value.shape[0] !== rows || value.shape[1] !== columns) {
      invalidInput(`${field} must have shape ${want} (got [${value.shape}])`);
    }
    return value.arraySync();
  }
  if (
    !Array.isArray(value) ||
    value.length !== rows ||
    value.some((r) => !Array.isArray(r) || r.length !== columns)
  ) {
    const got = Array.isArray(value)
      ? `${value.length} rows of lengths ${value.map((r) => r?.length)}`
      : typeof value;
    invalidInput(`${field} must be ${rows} rows of ${columns} numbers, ${want} (got ${got})`);
  }
  return value;
}
