import * as tf from '@tensorflow/tfjs-core';
import { type AccumulatedGradients, accumulateGradients } from './accumulate.js';
import { checkGradients, trainableOf } from './check-gradients.js';
import type { NamedGradients } from './clip.js';
import { InvalidTrainingArgumentError } from './errors.js';
import type { LossContext, LossFn } from './evaluate.js';
import { addScaled, addScaledTensor } from './gradient-sum.js';

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
 * A gradient source for `train` from one that handles a single micro-batch: `fn` gets micro-batch `micro`, its
 * `LossContext` (`{ training: true, step, seed }`, the context the default gradients pass to `lossFn`) and its
 * index, and returns that micro-batch's loss L_m and gradients g_m (e.g. `headByHeadGradients`, or one shard split
 * over threads). The update's loss and gradients are the means over the k micro-batches,
 *
 *     L = (1/k) Σ_m L_m,        g_p = (1/k) Σ_m g_{m,p}   (over the micro-batches whose g_m has p),
 *
 * so a parameter some micro-batches do not reach keeps what the others contribute, and one that none reaches
 * gets no gradient (AdamW then leaves it alone). With equal-size micro-batches and mean losses this is the
 * gradient of the update's whole batch, as the default `lossFnGradients` computes it.
 *
 * Each micro-batch runs in a tensor scope of its own and is added into the running mean before the next one
 * starts, so one micro-batch's tensors are alive at a time: what `fn` makes, and anything it returns besides
 * `loss` and `grads` (such as `headLosses`), is freed after its micro-batch. `fn` may return a Promise.
 *
 * @throws {InvalidTrainingArgumentError} (`field: 'gradients'`) when `fn` returns no scalar loss or a gradient
 * that is not one of a trainable parameter, shaped like it.
 */
export function perMicroBatch<B>(
  fn: (batch: B, context: LossContext, micro: number) => AccumulatedGradients | Promise<AccumulatedGradients>,
): GradientFn<B> {
  return async (context) => {
    const { step, seeds, microBatches, params } = context;
    const trainable = trainableOf(params);
    const scale = 1 / microBatches;
    let loss: tf.Scalar | undefined;
    let grads: NamedGradients = {};
    try {
      for (let micro = 0; micro < microBatches; micro++) {
        const part = await keptGradients(
          () => fn(context.batch(micro), { training: true, step, seed: seeds[micro] as number }, micro),
          (result) => checkResult(result, trainable),
        );
        loss = addScaledTensor(loss, part.loss, scale);
        grads = addScaled(grads, part.grads, scale);
      }
    } catch (error) {
      tf.dispose([loss, grads]);
      throw error;
    }
    return { loss: loss as tf.Scalar, grads };
  };
}

/**
 * @internal Runs `gradients` in a tensor scope and checks what it returns: a scalar loss and gradients of
 * trainable parameters, shaped like them. Only the returned tensors survive; on any error, nothing does.
 */
export function scopedGradients<B>(
  gradients: GradientFn<B>,
  context: GradientContext<B>,
  trainable: Record<string, tf.Variable>,
  finish: () => void,
): Promise<AccumulatedGradients> {
  return keptGradients(
    () => gradients(context),
    (result) => {
      checkResult(result, trainable);
      finish();
    },
  );
}

/**
 * Runs `compute` in a tensor scope and `check`s its result. Only the result's `loss` and `grads` survive the
 * scope; if `compute` or `check` throws, nothing does (returned tensors made outside the scope are freed too).
 */
async function keptGradients(
  compute: () => unknown,
  check: (result: unknown) => void,
): Promise<AccumulatedGradients> {
  let result: unknown;
  tf.engine().startScope();
  try {
    result = await compute();
    check(result);
  } catch (error) {
    tf.engine().endScope();
    if (typeof result === 'object' && result !== null) {
      const { loss, grads } = result as Partial<AccumulatedGradients>;
      tf.dispose([loss as tf.TensorContainer, grads as tf.TensorContainer]);
    }
    throw error;
  }
  const { loss, grads } = result as AccumulatedGradients;
  tf.engine().endScope([loss, ...Object.values(grads)]);
  return { loss, grads };
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
    const got =
      loss instanceof tf.Tensor ? `a tensor of dtype ${loss.dtype} and shape [${loss.shape}]` : String(loss);
    throw new InvalidTrainingArgumentError('gradients', `loss must be a float32 scalar tensor, got ${got}`);
  }
  checkGradients(grads as AccumulatedGradients['grads'], trainable, 'gradients');
}
