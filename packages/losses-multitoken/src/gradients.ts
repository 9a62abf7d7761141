import {
  type AccumulatedGradients,
  type GradientFn,
  headByHeadGradients,
  type NamedGradients,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, type MultiTokenBatch } from './batch.js';
import { MultiTokenArgumentError } from './errors.js';
import { headLoss } from './loss.js';
import { type MultiTokenObjective, resolveObjective } from './objective.js';
import { headTargets } from './targets.js';

/**
 * The memory-efficient training path (Gloeckle et al. 2024, §2): a `GradientFn` for `train` that computes the
 * gradient of the n-token loss {@link multiTokenLoss} with transformer-core's `headByHeadGradients` — the trunk
 * runs forward once, then one head at a time runs forward, loss and backward, its logits freed before the next
 * head, while the gradient at the trunk output accumulates; one trunk backward ends the step. Peak memory holds
 * one head's logits, not n.
 *
 * The gradients equal those of `train`'s default gradients over {@link multiTokenLossFn} of the same objective
 * (tested to 1e-5 relative), dropout masks included: each micro-batch runs with `{ training: true, seed }` from
 * the context. With `accumulate > 1` each micro-batch is differentiated in turn and the losses and gradients are
 * averaged, as the default gradients do, holding one set of running sums.
 *
 * Pass the objective's `multiTokenLossFn` as `train`'s `lossFn` too: evaluation uses it.
 *
 * @throws {MultiTokenArgumentError} for an invalid objective (now), for a batch that is invalid or `train`
 * params that are not `model.params` (when called).
 */
export function multiTokenGradients(objective: MultiTokenObjective): GradientFn<MultiTokenBatch> {
  const { model, heads, weights, padId } = resolveObjective(objective);
  const slot = new Map(heads.map((head, j) => [head, j]));
  return (context) => {
    if (context.params !== model.params) {
      throw new MultiTokenArgumentError('params', "train's params must be the objective's model.params");
    }
    const scale = 1 / context.microBatches;
    let total: AccumulatedGradients = { loss: tf.scalar(0), grads: {} };
    for (let micro = 0; micro < context.microBatches; micro++) {
      const previous = total;
      total = tf.tidy(() => {
        const tensors = batchTensors(context.batch(micro), model.config.vocabSize);
        const targets = heads.map((head) => headTargets(tensors, head, padId));
        const one = headByHeadGradients({
          model,
          input: tensors.ids,
          heads,
          loss: (logits, head) => {
            const j = slot.get(head) as number;
            return headLoss(logits, targets[j] as (typeof targets)[number], weights[j] as number);
          },
          run: { training: true, seed: context.seeds[micro] as number },
        });
        return {
          loss: tf.add(previous.loss, tf.mul(one.loss, scale)) as tf.Scalar,
          grads: addScaled(previous.grads, one.grads, scale),
        };
      });
      tf.dispose([previous.loss, previous.grads]);
    }
    return total;
  };
}

// sums + scale · grads, name by name; a name in only one of them keeps its (scaled) value. Frees nothing: it
// runs inside the caller's tidy.
function addScaled(sums: NamedGradients, grads: NamedGradients, scale: number): NamedGradients {
  const total: NamedGradients = {};
  for (const name of new Set([...Object.keys(sums), ...Object.keys(grads)])) {
    const sum = sums[name];
    const g = grads[name];
    const scaled = g === undefined ? undefined : tf.mul(g, scale);
    total[name] =
      sum === undefined ? (scaled as tf.Tensor) : scaled === undefined ? tf.clone(sum) : tf.add(sum, scaled);
  }
  return total;
}
