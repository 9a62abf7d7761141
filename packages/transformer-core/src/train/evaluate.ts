import * as tf from '@tensorflow/tfjs-core';
import { InvalidTrainingArgumentError } from './errors.js';

/** What a loss function is told about the call. */
export interface LossContext {
  /** True during training updates (enable dropout), false during evaluation. */
  training: boolean;
  /** 0-based index of the optimizer update being computed (for evaluation: the updates done so far). */
  step: number;
  /**
   * A 32-bit seed derived from the run seed, the step and the micro-batch; pass it to random ops (e.g. dropout)
   * so a run, and a resumed run, draws the same numbers.
   */
  seed: number;
}

/** A loss function: returns the mean loss of `batch` as a scalar. */
export type LossFn<B> = (batch: B, context: LossContext) => tf.Scalar;

/** Options of {@link evaluate}. */
export interface EvaluateOptions<B> {
  /** Computes the loss of one batch; called with `training: false`. */
  lossFn: LossFn<B>;
  /** The evaluation batches, iterated once; must not be empty. */
  batches: Iterable<B>;
  /**
   * Step number passed to `lossFn` in its context.
   * @default 0
   */
  step?: number;
}

/**
 * Mean of `lossFn` over `batches` without computing gradients. Losses are summed on the device and read once.
 * Each batch is produced and scored inside `tf.tidy`, so tensors made by a generator are freed.
 */
export async function evaluate<B>(options: EvaluateOptions<B>): Promise<number> {
  const { lossFn, batches, step = 0 } = options;
  const iterator = batches[Symbol.iterator]();
  let total: tf.Scalar = tf.scalar(0);
  let count = 0;
  try {
    for (;;) {
      const next = tf.tidy(() => {
        const item = iterator.next();
        if (item.done === true) return undefined;
        return tf.add(total, lossFn(item.value, { training: false, step, seed: 0 })) as tf.Scalar;
      });
      if (next === undefined) break;
      total.dispose();
      total = next;
      count += 1;
    }
    if (count === 0) throw new InvalidTrainingArgumentError('evaluate.batches', 'produced no batches');
    return ((await total.data())[0] as number) / count;
  } finally {
    total.dispose();
  }
}
