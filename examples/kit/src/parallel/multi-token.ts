import {
  type HeadArrangement,
  type MultiTokenBatch,
  type MultiTokenObjective,
  multiTokenLossFn,
  multiTokenTargets,
} from '@beyond-ntp/losses-multitoken';
import { BACKEND_NAMES, type BackendName } from '@beyond-ntp/runtime';
import type { LossContext, ModelConfig } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { KitError } from '../errors.js';
import type { ParallelTraining } from './threads.js';

/** One thread's part of a multi-token batch. */
export interface MultiTokenShard {
  /** Its rows of the batch, as plain arrays (they are posted to the worker). */
  batch: { ids: number[][]; mask?: number[][] };
  /**
   * Per head of the objective, its weight times `count × (positions this shard scores) / (positions the batch
   * scores)`, so that the mean of the shards' losses is the batch's loss.
   */
  weights: number[];
}

/** What the worker module rebuilds its replica from. */
export interface MultiTokenReplicaData {
  /** The model's config. */
  config: ModelConfig;
  /** The objective without its model and weights (each shard carries its weights). */
  objective: { heads: number[]; padId?: number; arrangement?: HeadArrangement };
  /** The backend the main thread trains on. */
  backend: BackendName;
}

/**
 * Two-thread training for `trainRun` of a model trained on the n-token loss of `objective` (losses-multitoken),
 * with its replica in the kit's worker module. Each head's loss is a mean over the positions it scores, whose
 * number differs between the halves of a padded batch; so each shard weighs a head by its share of the batch's
 * scored positions, and the mean of the two shards' losses and gradients is the batch's (up to float rounding).
 * Batches must be plain arrays of at least two rows. The worker builds the model with `createModel(config)` and
 * its default kernels, on the backend active now.
 *
 * @throws {KitError} (`INVALID_ARGUMENT`) for a model with dropout (each shard would draw its own masks, so two
 * threads would not train what one does); `MultiTokenArgumentError` for an invalid objective.
 */
export function multiTokenParallel(
  objective: MultiTokenObjective,
): ParallelTraining<MultiTokenBatch, MultiTokenShard> {
  const { model } = objective;
  multiTokenLossFn(objective); // checks the objective now rather than in the middle of a run
  if (model.config.dropout > 0) {
    throw new KitError(
      'INVALID_ARGUMENT',
      'objective.model.config.dropout',
      `is ${model.config.dropout}: each thread would draw its own dropout masks, so two threads would not ` +
        'train what one does; train this model without `parallel`',
    );
  }
  const heads = objective.heads ?? Array.from({ length: model.config.heads.count }, (_, i) => i);
  const weights = objective.weights ?? heads.map(() => 1);
  const { padId, arrangement } = objective;
  const backend = tf.getBackend();
  if (!(BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw new KitError('INVALID_ARGUMENT', 'backend', `a worker cannot start the backend "${backend}"`);
  }
  const data: MultiTokenReplicaData = {
    config: model.config,
    objective: {
      heads,
      ...(padId === undefined ? {} : { padId }),
      ...(arrangement === undefined ? {} : { arrangement }),
    },
    backend: backend as BackendName,
  };
  const scored = (batch: MultiTokenBatch, head: number): number =>
    tf.tidy(
      () =>
        tf
          .sum(multiTokenTargets({ batch, head, vocabSize: model.config.vocabSize, padId }).mask)
          .dataSync()[0] as number,
    );
  return {
    module: new URL('./multi-token-replica.mjs', import.meta.url),
    execArgv: [], // the .mjs registers the TypeScript loader itself
    data,
    shard: (batch, index, count) => {
      const rows = plainRows(batch);
      const size = rows.ids.length;
      if (size < count) {
        throw new KitError(
          'INVALID_ARGUMENT',
          'batch.ids',
          `${size} row(s) cannot be split over ${count} threads; train with bigger batches or without \`parallel\``,
        );
      }
      const [from, to] = [Math.floor((index * size) / count), Math.floor(((index + 1) * size) / count)];
      const part = {
        ids: rows.ids.slice(from, to),
        ...(rows.mask === undefined ? {} : { mask: rows.mask.slice(from, to) }),
      };
      const shardWeights = heads.map((head, j) => {
        const total = scored(rows, head);
        return total === 0 ? 0 : ((weights[j] as number) * count * scored(part, head)) / total;
      });
      return { batch: part, weights: shardWeights };
    },
    loss: multiTokenShardLoss({ model, ...data.objective }),
  };
}

/** A shard's loss: the n-token loss of its rows with its own head weights (both threads use it). */
export function multiTokenShardLoss(
  objective: Omit<MultiTokenObjective, 'weights'>,
): (shard: MultiTokenShard, context: LossContext) => tf.Scalar {
  return (shard, context) => multiTokenLossFn({ ...objective, weights: shard.weights })(shard.batch, context);
}

function plainRows(batch: MultiTokenBatch): MultiTokenShard['batch'] {
  if (!Array.isArray(batch.ids) || (batch.mask !== undefined && !Array.isArray(batch.mask))) {
    throw new KitError(
      'INVALID_ARGUMENT',
      'batch',
      'two-thread training posts shards to a worker, so batches must be plain arrays, not tensors',
    );
  }
  return batch as MultiTokenShard['batch'];
}
