// Left padding puts sequences of different lengths into one [B, W] batch with their last tokens aligned, so that
// every row's next token is predicted at the same (last) column: what batched decoding needs, and what the
// Coconut collator does so that latent slots share columns.
import { ModelError } from './errors.js';

/** A batch of token rows right-aligned by left padding, ready for `forward(ids, { attentionMask, positionIds })`. */
export interface LeftPaddedBatch {
  /** `[B, W]`: `padId` then the row's tokens. */
  ids: number[][];
  /** `[B, W]`: 0 at padding, 1 at the row's tokens. */
  attentionMask: number[][];
  /** `[B, W]`: 0 at padding, then 0, 1, 2, … along the row's tokens (its positions as if it were alone). */
  positionIds: number[][];
}

/** Options of {@link leftPad}. */
export interface LeftPadOptions {
  /**
   * Token id written at padding positions; masked out, so any valid id works.
   * @default 0
   */
  padId?: number;
  /**
   * Width W of the batch, at least the longest row.
   * @default the longest row's length
   */
  width?: number;
}

/**
 * Left-pads `rows` (token ids, each non-empty) to a common width, with the attention mask and position ids that
 * make every row's logits at its real positions equal those of the row run alone.
 *
 * @throws {ModelError} (`INPUT_INVALID`) when `rows` is empty, holds an empty row, or `width` is too small.
 */
export function leftPad(rows: number[][], options: LeftPadOptions = {}): LeftPaddedBatch {
  const longest = Math.max(0, ...rows.map((row) => row.length));
  const { padId = 0, width = longest } = options;
  if (rows.length === 0 || rows.some((row) => row.length === 0)) {
    throw new ModelError('INPUT_INVALID', 'leftPad: rows must be a non-empty list of non-empty token rows');
  }
  if (!Number.isInteger(width) || width < longest) {
    throw new ModelError(
      'INPUT_INVALID',
      `leftPad: width must be an integer ≥ the longest row (${longest}) (got ${width})`,
    );
  }
  const pads = rows.map((row) => width - row.length);
  const { attentionMask, positionIds } = paddedWindow(pads, { start: 0, from: 0, to: width });
  const ids = rows.map((row, b) => [...new Array<number>(pads[b] ?? 0).fill(padId), ...row]);
  return { ids, attentionMask, positionIds };
}

/** Columns of a left-padded layout, `start ≤ from < to`, as {@link paddedWindow} reads them. */
export interface WindowColumns {
  /** First column the model sees (earlier ones were cropped away); real tokens count positions from here. */
  start: number;
  /** First column fed in this call (`start` for a fresh cache, later for an incremental step). */
  from: number;
  /** One past the last column fed in this call. */
  to: number;
}

/**
 * The attention mask over columns `[start, to)` (cached + new) and the position ids of columns `[from, to)` of a
 * layout whose row b has `pads[b]` padding columns first. A row's first visible token is at position 0.
 */
export function paddedWindow(
  pads: number[],
  { start, from, to }: WindowColumns,
): { attentionMask: number[][]; positionIds: number[][] } {
  const columns = (a: number, b: number) => Array.from({ length: b - a }, (_, j) => a + j);
  return {
    attentionMask: pads.map((pad) => columns(start, to).map((c) => (c < pad ? 0 : 1))),
    positionIds: pads.map((pad) => columns(from, to).map((c) => (c < pad ? 0 : c - Math.max(pad, start)))),
  };
}
