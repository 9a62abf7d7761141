import type { GradientContext, GradientFn } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { AUTO_RULE, type GradientTimings } from './choice.js';

/** Options of {@link timeGradients}. */
export interface TimeGradientsOptions<B> {
  /** The one-thread gradients. */
  single: GradientFn<B>;
  /** The two-thread gradients. */
  parallel: GradientFn<B>;
  /** The update both compute, every time. */
  context: GradientContext<B>;
}

/**
 * Times both paths on the same update by {@link AUTO_RULE}: `warmup` untimed calls of each, then `timed` calls of
 * each, alternating. Each call's gradients are computed to the last value and thrown away, so nothing is
 * updated: the weights, and the optimizer, which does not exist yet, are as before. Leaves no tensors behind.
 */
export async function timeGradients<B>(options: TimeGradientsOptions<B>): Promise<GradientTimings> {
  const { single, parallel, context } = options;
  const time = async (gradients: GradientFn<B>): Promise<number> => {
    tf.engine().startScope();
    try {
      const began = performance.now();
      const { loss } = await gradients(context);
      await loss.data(); // the computation is done once its last value is read
      return performance.now() - began;
    } finally {
      tf.engine().endScope(); // frees the loss and gradients with everything else the call made
    }
  };
  for (let i = 0; i < AUTO_RULE.warmup; i++) {
    await time(single);
    await time(parallel);
  }
  const timings = { single: [] as number[], parallel: [] as number[] };
  for (let i = 0; i < AUTO_RULE.timed; i++) {
    timings.single.push(await time(single));
    timings.parallel.push(await time(parallel));
  }
  return timings;
}
