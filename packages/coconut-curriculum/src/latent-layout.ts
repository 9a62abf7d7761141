// Where the latent slots of a padded batch are, and whether one KV-cached pass per thought can fill them: the
// reference code's forward fills thought m of every row in pass m, so thought m must sit in the same column in
// every row that has it. `collate` produces exactly that layout.
import { CoconutError } from './errors.js';

/** A padded batch as the continuous-thought forward reads it; every field is `[B, W]`. */
export interface ThoughtBatch {
  /** Token ids; latent placeholders mark the continuous thoughts. */
  ids: number[][];
  /**
   * 1 at real tokens, 0 at padding.
   * @default every position real
   */
  attentionMask?: number[][];
  /**
   * Each token's position within its own row.
   * @default 0 … W − 1 in every row
   */
  positionIds?: number[][];
}

/** @internal The latent columns of a batch: thought m of row b sits in column `start + m` for m < counts[b]. */
export interface LatentLayout {
  /** Batch size B and width W. */
  rows: number;
  width: number;
  /** Column of every row's first thought (meaningless when no row has one). */
  start: number;
  /** Thoughts per row. */
  counts: number[];
  /** The largest count: the forward runs `maxCount + 1` passes. */
  maxCount: number;
  /** The batch's mask and position ids, defaults filled. */
  attentionMask: number[][];
  positionIds: number[][];
}

/**
 * @internal Reads the latent layout of `batch`.
 *
 * @throws {CoconutError} (`INVALID_BATCH`) when the batch is not rectangular, a row's latents are not
 * contiguous, rows' first latents are in different columns, or a latent has no real token before it.
 */
export function latentLayout(batch: ThoughtBatch, latent: number): LatentLayout {
  const { ids } = batch;
  const rows = Array.isArray(ids) ? ids.length : 0;
  const width = rows > 0 && Array.isArray(ids[0]) ? ids[0].length : 0;
  const grid = (field: string, value: number[][] | undefined, fill: (t: number) => number) => {
    if (value === undefined)
      return Array.from({ length: rows }, () => Array.from({ length: width }, (_, t) => fill(t)));
    if (
      !Array.isArray(value) ||
      value.length !== rows ||
      value.some((r) => !Array.isArray(r) || r.length !== width)
    ) {
      fail(field, `must be ${rows} rows of ${width} numbers, like ids`);
    }
    return value;
  };
  if (rows === 0 || width === 0) fail('ids', 'must be a non-empty [B, W] grid of token ids');
  grid('ids', ids, () => 0);
  const attentionMask = grid('attentionMask', batch.attentionMask, () => 1);
  const positionIds = grid('positionIds', batch.positionIds, (t) => t);

  const columns = ids.map((row) => row.flatMap((id, t) => (id === latent ? [t] : [])));
  const firsts = columns.flatMap((cols) => (cols.length > 0 ? [cols[0] as number] : []));
  const start = firsts[0] ?? 0;
  columns.forEach((cols, b) => {
    if (cols.length === 0) return;
    if (cols[0] !== start) {
      fail(
        `ids[${b}]`,
        `first latent is in column ${cols[0]}, another row's in column ${start}; align rows with collate()`,
      );
    }
    if (cols.some((c, m) => c !== start + m)) {
      fail(`ids[${b}]`, 'latent slots must be consecutive (one run between <bot> and <eot>)');
    }
    if (start === 0 || attentionMask[b]?.[start - 1] !== 1) {
      fail(
        `ids[${b}]`,
        `the first latent (column ${start}) needs a real token before it to take its state from`,
      );
    }
  });
  const counts = columns.map((cols) => cols.length);
  return { rows, width, start, counts, maxCount: Math.max(...counts), attentionMask, positionIds };
}

function fail(field: string, message: string): never {
  throw new CoconutError('INVALID_BATCH', field, message);
}
