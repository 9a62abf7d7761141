// The reference code's collator (`MyCollator`): rows that hold latent slots are left-padded so that their first
// latent falls in one column, which lets one KV-cached pass per thought serve the whole batch; then every row is
// right-padded to the batch width. Padding is masked out of attention and loss, and position ids count each
// row's tokens from 0 as if it were alone.
//
//   xxxxxxxxxx<latent><latent>xxxxx--
//   -----xxxxx<latent>xxxxxxxx-------
//   ---xxxxxxx<latent><latent>xxxxxxx

import { CoconutError } from './errors.js';
import { type CoconutTokens, checkIds } from './example.js';
import { IGNORE_LABEL } from './stages.js';

/** A padded batch for {@link continuousForward} and {@link coconutLoss}; every field is `[B, W]`. */
export interface CoconutBatch {
  /** Token ids; padding holds the pad id. */
  ids: number[][];
  /** Targets aligned with `ids` ({@link StagedSequence.labels}); {@link IGNORE_LABEL} at padding. */
  labels: number[][];
  /**
   * 1 where `labels` holds a target the loss scores, 0 elsewhere (ignored labels, padding). The loss reads labels
   * only where this is 1, so a label under a 0 may hold anything.
   */
  lossMask: number[][];
  /** 1 at a row's tokens, 0 at padding. */
  attentionMask: number[][];
  /** Each token's position within its own row (0 at padding). */
  positionIds: number[][];
}

/** One row of {@link collate}: token ids and, for training, labels of the same length. */
export interface CollateRow {
  /** Token ids, latent placeholders included. Non-empty. */
  ids: number[];
  /**
   * Targets aligned with `ids`.
   * @default every position {@link IGNORE_LABEL}
   */
  labels?: number[];
}

/** Options of {@link collate}. */
export interface CollateOptions {
  /** The rows, e.g. {@link StagedSequence}s. */
  rows: readonly CollateRow[];
  /** Special token ids: `latent` marks the slots to align; `pad` fills padding (default 0). */
  tokens: Pick<CoconutTokens, 'latent' | 'pad'>;
}

/**
 * Pads `rows` into one batch: rows holding `tokens.latent` are left-padded so their first latent sits in the same
 * column (rows without latents are not shifted), then all rows are right-padded to the widest.
 *
 * @throws {CoconutError} (`INVALID_BATCH`) for an empty batch, an empty row or labels of the wrong length.
 */
export function collate(options: CollateOptions): CoconutBatch {
  const { rows, tokens } = options;
  const pad = tokens.pad ?? 0;
  if (!Array.isArray(options.rows) || rows.length === 0) {
    throw new CoconutError('INVALID_BATCH', 'rows', 'must hold at least one row');
  }
  rows.forEach((row, b) => {
    checkIds(`rows[${b}].ids`, row.ids, true);
    if (row.labels !== undefined && row.labels.length !== row.ids.length) {
      throw new CoconutError(
        'INVALID_BATCH',
        `rows[${b}].labels`,
        `must have one label per id (${row.ids.length}), got ${row.labels.length}`,
      );
    }
  });
  const firstLatent = rows.map((row) => row.ids.indexOf(tokens.latent));
  const alignAt = Math.max(-1, ...firstLatent);
  const leftPads = firstLatent.map((first) => (first < 0 ? 0 : alignAt - first));
  const width = Math.max(...rows.map((row, b) => (leftPads[b] ?? 0) + row.ids.length));
  const batch: CoconutBatch = { ids: [], labels: [], lossMask: [], attentionMask: [], positionIds: [] };
  rows.forEach((row, b) => {
    const left = leftPads[b] ?? 0;
    const right = width - left - row.ids.length;
    const around = (values: number[], fill: number): number[] => [
      ...new Array<number>(left).fill(fill),
      ...values,
      ...new Array<number>(right).fill(fill),
    ];
    batch.ids.push(around(row.ids, pad));
    const labels = row.labels ?? row.ids.map(() => IGNORE_LABEL);
    batch.labels.push(around(labels, IGNORE_LABEL));
    batch.lossMask.push(
      around(
        labels.map((label) => (label === IGNORE_LABEL ? 0 : 1)),
        0,
      ),
    );
    batch.attentionMask.push(
      around(
        row.ids.map(() => 1),
        0,
      ),
    );
    batch.positionIds.push(
      around(
        row.ids.map((_, t) => t),
        0,
      ),
    );
  });
  return batch;
}
