import { crossEntropy } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { headOutputs } from './arrangement.js';
import { batchTensors, type MultiTokenBatch } from './batch.js';
import { MultiTokenArgumentError } from './errors.js';
import { type MultiTokenObjective, resolveObjective } from './objective.js';
import { headTargets } from './targets.js';

/** Options of {@link multiTokenMetrics}: the objective and the batches to score. */
export interface MultiTokenMetricsOptions extends MultiTokenObjective {
  /** Batches to score, iterated once (an array, or a generator whose tensors are freed batch by batch). */
  batches: Iterable<MultiTokenBatch>;
}

/** One head's metrics over all scored positions of all batches. */
export interface HeadMetrics {
  /** The head index (predicting the token `head + 1` positions ahead). */
  head: number;
  /** Mean cross-entropy over the scored positions, unweighted by the head's weight (0 when none is scored). */
  loss: number;
  /** Fraction of scored positions whose most likely token (argmax) is the target; NaN when none is scored. */
  accuracy: number;
  /** Number of scored positions (the sum of their weights when the batch mask is not 0/1). */
  positions: number;
}

/** Result of {@link multiTokenMetrics}: plain numbers. */
export interface MultiTokenMetrics {
  /** Σ_j w_j · heads[j].loss: the n-token loss; on a single batch it equals `multiTokenLossFn`'s value. */
  loss: number;
  /** Per head, in the order of the objective's `heads`. */
  heads: HeadMetrics[];
}

/**
 * Per-head loss and accuracy of the objective's heads over `batches`, without gradients or dropout, as plain
 * numbers. Over several batches each head's loss and accuracy are means over all its scored positions (not means
 * of per-batch means). Per batch the trunk and the heads run once, then one head at a time is unembedded and
 * scored, so memory holds one head's logits.
 * The sums stay on the device and are read once; the call leaves `tf.memory().numTensors` unchanged.
 *
 * @throws {MultiTokenArgumentError} for an invalid objective or batch, or when `batches` yields nothing.
 */
export async function multiTokenMetrics(options: MultiTokenMetricsOptions): Promise<MultiTokenMetrics> {
  const { model, heads, weights, padId, arrangement } = resolveObjective(options);
  let totals = tf.zeros([heads.length, 3]) as tf.Tensor2D; // per head: Σ CE, Σ correct, Σ weight
  let batches = 0;
  try {
    for (const batch of options.batches) {
      const next = tf.tidy(() => {
        const tensors = batchTensors(batch, model.config.vocabSize);
        const z = model.trunk(model.embed(tensors.ids)).output;
        const outputs = headOutputs({ model, z, heads, arrangement, run: {} });
        const rows = heads.map((head, j) =>
          tf.tidy(() => {
            const logits = model.unembed(outputs[j] as tf.Tensor3D);
            const { targets, mask } = headTargets(tensors, head, padId);
            const ce = crossEntropy(logits, targets, { mask, reduction: 'sum' });
            const hits = tf.cast(tf.equal(tf.argMax(logits, -1), targets), 'float32');
            return tf.stack([ce, tf.sum(tf.mul(hits, mask)), tf.sum(mask)]);
          }),
        );
        return tf.add(totals, tf.stack(rows)) as tf.Tensor2D;
      });
      totals.dispose();
      totals = next;
      batches += 1;
    }
    if (batches === 0) throw new MultiTokenArgumentError('batches', 'produced no batches');
    const sums = (await totals.array()) as number[][];
    const perHead = heads.map((head, j) => {
      const [ce, hits, positions] = sums[j] as [number, number, number];
      return { head, loss: positions > 0 ? ce / positions : 0, accuracy: hits / positions, positions };
    });
    return { loss: perHead.reduce((sum, m, j) => sum + (weights[j] as number) * m.loss, 0), heads: perHead };
  } finally {
    totals.dispose();
  }
}
