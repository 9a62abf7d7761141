// Left padding puts sequences of different lengths into one [B, W] batch with their last tokens aligned, so that
// every row's next token is predicted at the same (last) column: what batched decoding needs, and what the
// Coconut collator does so that latent slots share columns.
import { describeValue } from '@beyond-ntp/errors';
import { invalidInput, optionsObject } from './input-checks.js';

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
 * @throws {ModelError} (`INPUT_INVALID`) when `rows` is empty, holds an empty row, or `width` is too small or
 * above 65536.
 */
export function leftPad(rows: number[][], options: LeftPadOptions = {}): LeftPaddedBatch {
  const longest = Math.max(0, ...rows.map((row) => row.length));
  const { padId = 0, width = longest } = optionsObject(options, 'leftPad');
  if (!Number.isSafeInteger(padId))
    invalidInput(`leftPad: padId must be an integer (got ${describeValue(padId)})`);
  if (rows.length === 0 || rows.some((row) => row.length === 0)) {
    invalidInput('leftPad: rows must be a non-empty list of non-empty token rows');
  }
  // No model attends over more positions than the largest contextLength, 65536.
  if (!Number.isInteger(width) || width < longest || width > 65_536) {
    invalidInput(
      `leftPad: width must be an integer in [${longest}, 65536], at least the longest row (got ${describeValue(width)})`,
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

/** The per-call inputs {@link paddedWindow} returns, ready to spread into `forward` or `decodeStep` options. */
export interface PaddedWindow {
  /** `[B, to − start]`: the columns the KV cache holds after this call, 1 = real token, 0 = padding. */
  attentionMask: number[][];
  /** `[B, to − from]`: the position of each fed column within its row (0 at padding). */
  positionIds: number[][];
}

/**
 * The `attentionMask` and `positionIds` of one call on a left-padded batch whose row b has `pads[b]` padding
 * columns before its tokens, when the call feeds columns `[from, to)` into a KV cache that holds columns
 * `[start, from)`:
 *
 *     attentionMask[b][c − start] = c < pads[b] ? 0 : 1                   for c in [start, to)
 *     positionIds[b][c − from]    = c < pads[b] ? 0 : c − max(pads[b], start)   for c in [from, to)
 *
 * so every row's real tokens get the logits they would get alone. `leftPad` uses it with `start = from = 0` and
 * `to` = the width; a decoder feeding one column per step (batched speculative decoding, Coconut's latent passes)
 * calls it with `from = to − 1` each step; one that crops its context (as `generate` with `slideWindow`) moves
 * `start` and refills an emptied cache from `from = start`.
 *
 * @example Batched cached decoding: the prompt columns, then one column per step.
 * ```ts
 * const { ids, attentionMask, positionIds } = leftPad(prompts);
 * const pads = attentionMask.map((row) => row.indexOf(1));
 * const cache = new KVCache();
 * let logits = decodeStep(model, ids, { kvCache: cache, attentionMask, positionIds });
 * // … pick next[b] for every row from logits[0][b][0], then, for the column at index `w`:
 * logits = decodeStep(model, next.map((t) => [t]), { kvCache: cache, ...paddedWindow(pads, { start: 0, from: w, to: w + 1 }) });
 * ```
 *
 * @throws {ModelError} (`INPUT_INVALID`) unless `pads` are integers ≥ 0 and the columns integers with
 * `0 ≤ start ≤ from < to`.
 */
export function paddedWindow(pads: number[], columns: WindowColumns): PaddedWindow {
  const { start, from, to } = columns;
  if (![start, from, to].every(Number.isInteger) || !(start >= 0 && start <= from && from < to)) {
    invalidInput(
      `paddedWindow: columns must be integers with 0 ≤ start ≤ from < to (got start ${start}, from ${from}, to ${to})`,
    );
  }
  const bad = pads.find((pad) => !Number.isInteger(pad) || pad < 0);
  if (bad !== undefined) invalidInput(`paddedWindow: pads must be integers ≥ 0 (got ${describeValue(bad)})`);
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, j) => a + j);
  return {
    attentionMask: pads.map((pad) => range(start, to).map((c) => (c < pad ? 0 : 1))),
    positionIds: pads.map((pad) => range(from, to).map((c) => (c < pad ? 0 : c - Math.max(pad, start)))),
  };
}
