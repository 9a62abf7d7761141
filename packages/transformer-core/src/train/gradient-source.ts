import * as tf from '@tensorflow/tfjs-core';
import { type AccumulatedGradients, accumulateGradients } from './accumulate.js';
import { checkGradients } from './check-gradients.js';
import { InvalidTrainingArgumentError } from './errors.js';
import type { LossFn } from './evaluate.js';

/** What a {@link GradientFn} is given to compute one update. */
export interface GradientContext<B> {
  /** 0-based index of the update (the `step` of each micro-batch's `LossContext`). */
  step: number;
  /** Micro-batches in the update: `train`'s `accumulate`. */
  microBatches: number;
  /**
   * Micro-batch `micro` (`0 <= micro < microBatches`) from `train`'s `batches`. A batch function may be asked
   * for any micro-batch, any number of times; an iterable must be read in order, each micro-batch once (what is
   * left unread is drawn after the call, so every update consumes `microBatches` items).
   */
  batch(micro: number): B;
  /**
   * The seed of each micro-batch, `stepSeed(seed, step, micro)`: pass it as the `seed` of its `LossContext`
   * (with `training: true`) so random ops draw what they draw under the default gradients, also after a resume.
   */
  seeds: readonly number[];
  /** `train`'s `params`; only trainable ones may have gradients. */
  params: Record<string, tf.Variable>;
  /** `train`'s `lossFn`. */
  lossFn: LossFn<B>;
}

/**
 * Computes the mean loss and the gradients of one update, for the `gradients` option of `train`: a scalar `loss`
 * and `grads` keyed by the names of trainable `params` (each of its parameter's shape; a parameter without one
 * is not updated, and AdamW does not count the update for it). It may return a Promise. `train` runs it inside a
 * tensor scope: tensors it creates and does not return are freed when it settles (also when it throws), and
 * `train` owns and disposes the returned tensors. So tensors made meanwhile by other code of the same thread are
 * freed too; do not run other tfjs work concurrently with `train`.
 */
export type GradientFn<B> = (
  context: GradientContext<B>,
) => AccumulatedGradients | Promise<AccumulatedGradients>;

/**
 * The default gradients of `train`: {@link accumulateGradients} over `lossFn` of the update's micro-batches, each
 * with `{ training: true, step, seed }`.
 */
export function lossFnGradients<B>(context: GradientContext<B>): AccumulatedGradients {
  const { params, lossFn, step, seeds, microBatches } = context;
  return accumulateGradients(
    params,
    (micro) => lossFn(context.batch(micro), { training: true, step, seed: seeds[micro] as number }),
    microBatches,
  );
}

/**
 * @internal Runs `gradients` in a tensor scope and checks what it returns: a scalar loss and gradients of
 * trainable parameters, shaped like them. Only the returned tensors survive; on any error, nothing does.
 */
export async function scopedGradients<B>(
  gradients: GradientFn<B>,
  context: GradientContext<B>,
  trainable: Record<string, tf.Variable>,
  finish: () => void,
): Promise<AccumulatedGradients> {
  let result: AccumulatedGradients | undefined;
  tf.engine().startScope();
  try {
    result = await gradients(context);
    checkResult(result, trainable);
    finish();
  } catch (error) {
    tf.engine().endScope();
    // Returned tensors made outside the scope belong to the trainer too.
    if (typeof result === 'object' && result !== null) tf.dispose([result.loss, result.grads]);
    throw error;
  }
  tf.engine().endScope([result.loss, ...Object.values(result.grads)]);
  return result;
}

function checkResult(
  result: unknown,
  trainable: Record<string, tf.Variable>,
): asserts result is AccumulatedGradients {
  if (typeof result !== 'object' || result === null) {
    throw new InvalidTrainingArgumentError('gradients', `expected { loss, grads }, got ${String(result)}`);
  }
  const { loss, grads } = result as Partial<AccumulatedGradients>;
  if (!(loss instanceof tf.Tensor) || loss.rank !== 0 || loss.dtype !== 'float32') {
    const got = loss instanceof tf.Tensor ? `a ${loss.dtype} tensor of shape [${loss.shape}]` : String(loss);
    throw new InvalidTrainingArgumentError('gradients', `loss must be a float32 scalar tensor, got ${got}`);
  }
  checkGradients(grads as AccumulatedGradients['grads'], trainable, 'gradients');
}
