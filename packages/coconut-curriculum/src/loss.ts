import { crossEntropy, type TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import type { CoconutBatch } from './collate.js';
import { type ContinuousForwardOptions, continuousForward } from './continuous-forward.js';
import { CoconutError } from './errors.js';

/**
 * The Coconut training loss of a batch: the continuous-thought forward, then the shifted next-token
 * cross-entropy of the reference code (labels −100 there), a mean over the batch's supervised tokens,
 *
 *   L = Σ_{b,t} [y_{b,t+1} ≠ ignore] · (−log softmax(z_{b,t})[y_{b,t+1}]) / Σ_{b,t} [y_{b,t+1} ≠ ignore],
 *
 * with z the logits at column t, y = `batch.labels` and the indicator read from `batch.lossMask` (0 on the
 * question, markers, slots and padding). Positions under a 0 contribute nothing, to the loss or its gradient,
 * whatever their labels hold.
 *
 * @throws {CoconutError} (`INVALID_BATCH`) when the batch is narrower than two columns or its labels do not
 * match its ids; as {@link continuousForward} otherwise.
 */
export function coconutLoss(
  model: TransformerModel,
  batch: CoconutBatch,
  options: ContinuousForwardOptions,
): tf.Scalar {
  const width = batch.ids[0]?.length ?? 0;
  if (width < 2)
    throw new CoconutError('INVALID_BATCH', 'ids', 'needs at least two columns to predict one token');
  for (const field of ['labels', 'lossMask'] as const) {
    const grid = batch[field];
    if (
      !Array.isArray(grid) ||
      grid.length !== batch.ids.length ||
      grid.some((row) => row?.length !== width)
    ) {
      throw new CoconutError('INVALID_BATCH', field, 'must be a [B, W] grid like ids');
    }
  }
  const targets = batch.labels.map((row) => row.slice(1));
  const mask = batch.lossMask.map((row) => row.slice(1));
  return tf.tidy(() => {
    const { logits } = continuousForward(model, batch, options);
    const predicting = tf.slice(logits, [0, 0, 0], [-1, width - 1, -1]);
    return crossEntropy(predicting, targets, { mask });
  });
}
