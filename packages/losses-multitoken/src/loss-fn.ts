import type { LossFn } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { headOutputs } from './arrangement.js';
import { batchTensors, type MultiTokenBatch } from './batch.js';
import { summedHeadLosses } from './loss.js';
import { type MultiTokenObjective, resolveObjective } from './objective.js';

/**
 * The naive training path and the evaluation loss: a `LossFn` for `train` that runs the model once with every
 * head of the objective (`embed → trunk → heads → unembed`, so all heads' logits are on one gradient tape) and
 * returns the n-token loss {@link multiTokenLoss} of the batch. With `train`'s default gradients it trains all
 * heads at once; peak memory then holds every head's logits and their gradients, O(n·V) per position. Give
 * `train` the {@link multiTokenGradients} of the same objective as `gradients` for the same update in O(V).
 *
 * Dropout follows the `LossContext`: on while training, with the context's seed (the masks of `model.forward`
 * with that seed).
 *
 * @throws {MultiTokenArgumentError} for an invalid objective (now) or batch (when called).
 */
export function multiTokenLossFn(objective: MultiTokenObjective): LossFn<MultiTokenBatch> {
  const { model, heads, weights, padId, arrangement } = resolveObjective(objective);
  return (batch, { training, seed }) =>
    tf.tidy(() => {
      const tensors = batchTensors(batch, model.config.vocabSize);
      const run = { training, seed };
      const z = model.trunk(model.embed(tensors.ids), run).output;
      const outputs = headOutputs({ model, z, heads, arrangement, run });
      const logitsOf = (j: number) => model.unembed(outputs[j] as tf.Tensor3D);
      return summedHeadLosses({ batch: tensors, heads, weights, padId, logitsOf });
    });
}
