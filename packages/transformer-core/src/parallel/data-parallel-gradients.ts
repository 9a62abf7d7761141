import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from '../train/clip.js';
import { type GradientFn, perMicroBatch } from '../train/gradient-source.js';
import type { DataParallel } from './data-parallel.js';

/** Options of {@link dataParallelGradients}. */
export interface DataParallelGradientsOptions<B> {
  /**
   * Shard `index` of `count` (`parallel.shards`) of a micro-batch. This thread computes shard 0 with `train`'s
   * `lossFn`; worker `i` computes shard `i + 1` with its replica's loss, so shards cross threads by structured
   * clone: plain arrays, not tensors. With equal-size shards and a mean loss, the average of the shards'
   * gradients is the gradient of the whole micro-batch.
   */
  shard: (batch: B, index: number, count: number) => B;
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
): GradientFn<B> {
  const { shard } = options;
  return (context) => {
    const { lossFn, params } = context;
    return perMicroBatch<B>(async (batch, lossContext) => {
      const count = parallel.shards;
      const shards = Array.from({ length: count }, (_, index) => shard(batch, index, count));
      const part = await parallel.lossAndGradients(lossFn, shards, lossContext);
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
