import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from '../train/clip.js';
import type { LossContext } from '../train/evaluate.js';
import { type GradientFn, perMicroBatch } from '../train/gradient-source.js';
import type { DataParallel } from './data-parallel.js';

/** Options of {@link dataParallelGradients}: shards of type `S` cut from micro-batches of type `B`. */
export interface DataParallelGradientsOptions<B, S = B> {
  /**
   * Shard `index` of `count` (`parallel.shards`) of a micro-batch. This thread computes shard 0 (with `loss`, by
   * default `train`'s `lossFn`); worker `i` computes shard `i + 1` with its replica's loss, so shards cross threads
   * by structured clone: plain arrays, not tensors. With equal-size shards and a mean loss, the average of the
   * shards' gradients is the gradient of the whole micro-batch.
   */
  shard: (batch: B, index: number, count: number) => S;
  /**
   * This thread's loss of a shard: the replicas' `loss`, for shards that are not batches `lossFn` takes. A loss
   * that is a mean over a varying number of positions (padding, masks) needs it: shards of one batch then hold
   * different counts, and only a shard loss weighted by its share of the batch's count (carried in the shard)
   * makes the shards' average the batch's mean.
   * @default train's `lossFn` (the shards are batches)
   */
  loss?: (shard: S, context: LossContext) => tf.Scalar;
}

/**
 * A `gradients` source for `train` that splits every micro-batch across the threads of `parallel` and averages
 * the shards' losses and gradients, then the micro-batches' (`perMicroBatch`, as the default gradients average
 * micro-batches). The rest of the loop is the one of every gradient source: schedule, clipping, non-finite
 * check, evaluation, checkpoints, exact resume.
 *
 * Start `parallel` with `train`'s `params` (its replicas copy their weights before every shard). As with the
 * default gradients, only trainable parameters that some shard's loss reaches get a gradient, so AdamW leaves
 * the others alone (no weight decay, no count). Every shard's loss gets the micro-batch's `LossContext` with a
 * seed of its own (see `DataParallel.lossAndGradients`): this thread's through `lossFn`, a worker's through its
 * replica's `loss`.
 */
export function dataParallelGradients<B>(
  parallel: DataParallel,
  options: DataParallelGradientsOptions<B>,
): GradientFn<B>;
/**
 * The same, with shards of their own type `S` and this thread's shard `loss` (see
 * {@link DataParallelGradientsOptions.loss}); `lossFn` is then used for evaluation only.
 */
export function dataParallelGradients<B, S>(
  parallel: DataParallel,
  options: DataParallelGradientsOptions<B, S> & Required<Pick<DataParallelGradientsOptions<B, S>, 'loss'>>,
): GradientFn<B>;
export function dataParallelGradients<B, S>(
  parallel: DataParallel,
  options: DataParallelGradientsOptions<B, S>,
): GradientFn<B> {
  const { shard } = options;
  return (context) => {
    const { params } = context;
    // Without `loss` the first overload holds: shards are batches of `lossFn`.
    const loss = options.loss ?? (context.lossFn as unknown as (shard: S, context: LossContext) => tf.Scalar);
    return perMicroBatch<B>(async (batch, lossContext) => {
      const count = parallel.shards;
      const shards = Array.from({ length: count }, (_, index) => shard(batch, index, count));
      const part = await parallel.lossAndGradients(loss, shards, lossContext);
      // A parameter unknown to `params` is passed on, for `train` to reject by name.
      const grads: NamedGradients = {};
      for (const [name, g] of Object.entries(part.grads)) {
        if (params[name]?.trainable === false) g.dispose();
        else grads[name] = g;
      }
      return { loss: tf.scalar(part.loss), grads };
    })(context);
  };
}
