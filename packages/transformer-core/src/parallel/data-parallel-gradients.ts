import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from '../train/clip.js';
import type { GradientFn } from '../train/gradient-source.js';
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
 * the shards' losses and gradients, then the micro-batches' (as the default gradients average micro-batches).
 * The rest of the loop is the one of every gradient source: schedule, clipping, non-finite check, evaluation,
 * checkpoints, exact resume.
 *
 * Start `parallel` with `train`'s `params` (its replicas copy their weights before every shard). Every trainable
 * parameter gets a gradient, zero where the loss does not reach it; non-trainable ones get none. This thread's
 * shard sees the micro-batch's `LossContext` (training, step, seed); the replicas' losses take the shard alone.
 */
export function dataParallelGradients<B>(
  parallel: DataParallel,
  options: DataParallelGradientsOptions<B>,
): GradientFn<B> {
  const { shard } = options;
  return async (context) => {
    const { step, seeds, microBatches, lossFn, params } = context;
    const count = parallel.shards;
    let loss = 0;
    let sums: NamedGradients = {};
    try {
      for (let micro = 0; micro < microBatches; micro++) {
        const batch = context.batch(micro);
        const shards = Array.from({ length: count }, (_, index) => shard(batch, index, count));
        const lossContext = { training: true, step, seed: seeds[micro] as number };
        const part = await parallel.lossAndGradients((local: B) => lossFn(local, lossContext), shards);
        loss += part.loss;
        const previous = sums;
        // A parameter unknown to `params` is passed on, for `train` to reject by name.
        sums = tf.tidy(() =>
          Object.fromEntries(
            Object.entries(part.grads)
              .filter(([name]) => params[name]?.trainable !== false)
              .map(([name, g]) => {
                const scaled = tf.div(g, microBatches);
                const sum = previous[name];
                return [name, sum === undefined ? scaled : tf.add(sum, scaled)];
              }),
          ),
        );
        tf.dispose([previous, part.grads]);
      }
    } catch (error) {
      tf.dispose(sums);
      throw error;
    }
    return { loss: tf.scalar(loss / microBatches), grads: sums };
  };
}
