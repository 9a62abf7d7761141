import {
  type AccumulatedGradients,
  type GradientFn,
  headByHeadGradients,
  perMicroBatch,
} from '@beyond-ntp/transformer-core';
import type * as tf from '@tensorflow/tfjs-core';
import { batchTensors, type MultiTokenBatch } from './batch.js';
import { chainedHeadByHeadGradients } from './chained-gradients.js';
import { MultiTokenArgumentError } from './errors.js';
import { headLoss } from './loss.js';
import { type MultiTokenObjective, type ResolvedObjective, resolveObjective } from './objective.js';
import { headTargets } from './targets.js';

/**
 * The memory-efficient training path (Gloeckle et al. 2024, §2): a `GradientFn` for `train` that computes the
 * gradient of the n-token loss {@link multiTokenLoss} head by head — the trunk runs forward once, then one head
 * at a time runs forward, loss and backward, its logits freed before the next head, while the gradient at the
 * trunk output accumulates; one trunk backward ends the step. Peak memory holds one head's logits, not n.
 * Parallel heads use transformer-core's `headByHeadGradients`; the chained arrangements go from the head
 * farthest from the trunk back to it (the paper's Figure S11), each head adding the gradient the later heads
 * sent to its output.
 *
 * The gradients equal those of `train`'s default gradients over {@link multiTokenLossFn} of the same objective
 * (tested to 1e-5 relative), dropout masks included: each micro-batch runs with `{ training: true, seed }` from
 * the context. With `accumulate > 1` each micro-batch is differentiated in turn and the losses and gradients are
 * averaged, as the default gradients do, by transformer-core's `perMicroBatch` (one set of running sums). The
 * returned function is async.
 *
 * Pass the objective's `multiTokenLossFn` as `train`'s `lossFn` too: evaluation uses it.
 *
 * @throws {MultiTokenArgumentError} for an invalid objective (now), for a batch that is invalid or `train`
 * params that are not `model.params` (when called).
 */
export function multiTokenGradients(objective: MultiTokenObjective): GradientFn<MultiTokenBatch> {
  const resolved = resolveObjective(objective);
  const perMicro = perMicroBatch<MultiTokenBatch>((batch, { seed }) => batchGradients(resolved, batch, seed));
  return (context) => {
    // Checked before any work: gradients of other params would not be those `train` updates.
    if (context.params !== resolved.model.params) {
      throw new MultiTokenArgumentError('params', "train's params must be the objective's model.params");
    }
    return perMicro(context);
  };
}

// The loss and gradients of one batch, head by head, with dropout seeded by `seed`.
function batchGradients(
  objective: ResolvedObjective,
  batch: MultiTokenBatch,
  seed: number,
): AccumulatedGradients {
  const { model, heads, weights, padId, arrangement } = objective;
  const tensors = batchTensors(batch, model.config.vocabSize);
  const slot = new Map(heads.map((head, j) => [head, j]));
  const targets = heads.map((head) => headTargets(tensors, head, padId));
  const loss = (logits: tf.Tensor3D, head: number) => {
    const j = slot.get(head) as number;
    return headLoss(logits, targets[j] as (typeof targets)[number], weights[j] as number);
  };
  const run = { training: true, seed };
  if (arrangement === 'parallel') {
    return headByHeadGradients({ model, input: tensors.ids, heads, loss, run });
  }
  return chainedHeadByHeadGradients({ model, input: tensors.ids, arrangement, loss, run });
}
