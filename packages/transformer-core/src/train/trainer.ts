import * as tf from '@tensorflow/tfjs-core';
import { deleteCheckpoints, listCheckpoints, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { CheckpointError } from '../checkpoint/errors.js';
import { lockDirectory } from '../checkpoint/lock.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import { type BatchReader, type BatchSource, batchReader } from './batch-reader.js';
import type { StepMetrics, TrainCallbacks, TrainResult } from './callbacks.js';
import { trainableOf } from './check-gradients.js';
import { clipByGlobalNorm, globalNorm } from './clip.js';
import {
  checkInteger,
  checkNumber,
  checkOptions,
  InvalidTrainingArgumentError,
  NonFiniteLossError,
} from './errors.js';
import { evaluate, type LossFn } from './evaluate.js';
import {
  type GradientContext,
  type GradientFn,
  lossFnGradients,
  scopedGradients,
} from './gradient-source.js';
import { optimizerTensors } from './optimizer-checkpoint.js';
import { restore, TRAINER_STATE_VERSION, type TrainerState } from './resume.js';
import type { LearningRateSchedule } from './schedule.js';
import { stepSeed } from './seed.js';
import { UpdateCheck } from './update-check.js';

/** Periodic evaluation of {@link TrainOptions}. */
export interface EvaluationOptions<B> {
  /** Evaluate after every this many updates (and after the last one). */
  every: number;
  /**
   * Evaluation batches, read in full at each evaluation: an array (its tensors are left alone), or a function
   * returning a fresh iterable (tensors it creates are freed after the evaluation).
   */
  batches: readonly B[] | (() => Iterable<B>);
}

/** Periodic checkpoints of {@link TrainOptions}; see `saveCheckpoint` for the directory layout. */
export interface TrainCheckpointOptions {
  /** Directory holding the `ckpt-<step>` directories and the `latest` pointer. */
  dir: string;
  /** Save after every this many updates (and after the last one). */
  every: number;
  /** The model config, stored as `config.json` so the checkpoint can rebuild the model. */
  config: unknown;
  /**
   * Newest checkpoints to keep.
   * @default 2
   */
  keep?: number;
  /**
   * A run that does not resume refuses a `dir` that already holds checkpoints (`CHECKPOINT_EXISTS`): they are
   * another run's, and mixing the two would leave `latest` and old steps of different runs side by side. With
   * `overwrite: true` those checkpoints are deleted when training starts. Not allowed together with `resume`.
   * @default false
   */
  overwrite?: boolean;
}

/** Options of {@link train}. */
export interface TrainOptions<B> {
  /**
   * The model's parameters by checkpoint name (`model.params`); trainable ones are updated in place. The
   * `trainable` flags are read at every update, so a callback may freeze or unfreeze weights (`setTrainable`)
   * between updates; AdamW creates a weight's state at its first gradient.
   */
  params: Record<string, tf.Variable>;
  /**
   * Mean loss of one batch; see {@link LossContext} for `training`, `step` and `seed`. Evaluation uses it, and so
   * do the default `gradients`.
   */
  lossFn: LossFn<B>;
  /** Where training batches come from. */
  batches: BatchSource<B>;
  /**
   * Computes each update's loss and gradients, e.g. `dataParallelGradients(parallel, { shard })` to spread the
   * batch over threads. Whatever computes them, the rest of the loop is the same: schedule, clipping, non-finite
   * check, evaluation (with `lossFn`), checkpoints and exact resume.
   * @default lossFnGradients: `accumulateGradients` over `lossFn` of the `accumulate` micro-batches
   */
  gradients?: GradientFn<B>;
  /** Total number of optimizer updates; a resumed run continues up to the same total. */
  steps: number;
  /**
   * Learning rate: a constant, or a schedule of the 0-based update index (see `warmupCosineSchedule`).
   * @default 3e-4
   */
  learningRate?: number | LearningRateSchedule;
  /** AdamW hyperparameters. */
  optimizer?: AdamWOptions;
  /**
   * Clip the global gradient norm to this value; `null` disables clipping (the norm is still reported).
   * @default 1
   */
  clipNorm?: number | null;
  /**
   * Micro-batches per update (at most 65536); their gradients are averaged, as one batch `accumulate` times
   * larger.
   * @default 1
   */
  accumulate?: number;
  /** Run an evaluation loop periodically; its loss appears in the step metrics as `evalLoss`. */
  evaluate?: EvaluationOptions<B>;
  /** Progress, logging and other hooks, called in order. */
  callbacks?: TrainCallbacks[];
  /** Save checkpoints periodically. */
  checkpoint?: TrainCheckpointOptions;
  /**
   * Continue from the latest checkpoint in `checkpoint.dir` (parameters, optimizer moments, step, data position).
   * Fails when there is none.
   * @default false
   */
  resume?: boolean;
  /**
   * Run seed, from which every step's {@link LossContext.seed} is derived.
   * @default 0
   */
  seed?: number;
  /**
   * Tokens processed per update (all micro-batches), for the tokens/s metric.
   * @default tokens/s is reported as null
   */
  tokensPerStep?: number;
}

const MAX_ACCUMULATE = 65_536;

/**
 * Trains `params` with AdamW: for each update, compute the loss and gradients (by default accumulated over
 * `accumulate` micro-batches of `lossFn`), clip their global norm, apply the scheduled learning rate; evaluate,
 * report and checkpoint on schedule.
 *
 * Each update reads exactly one small tensor from the device (loss, gradient norm and whether the previous update
 * left every parameter finite) and checks it before applying the update: a NaN or infinite loss or gradient
 * throws {@link NonFiniteLossError} with the parameters and checkpoints still at the last good step; an update
 * that made parameters non-finite throws {@link NonFiniteUpdateError} at the next update, save or the end,
 * before any checkpoint holds them. A resume validates the whole checkpoint (trainer state bounds, optimizer
 * moments finite and second moments non-negative, dtypes and shapes) before it assigns anything. Tensor count is constant across steps once every trained weight has
 * had a gradient (AdamW allocates a weight's moments at its first one). With the same seed on the cpu
 * backend, two runs (or a run and its resumption) produce identical losses.
 */
export async function train<B>(trainOptions: TrainOptions<B>): Promise<TrainResult> {
  const options = checkOptions('train options', trainOptions);
  const {
    params,
    lossFn,
    batches,
    gradients = lossFnGradients,
    optimizer: optimizerOptions,
    evaluate: evaluation,
    callbacks = [],
    checkpoint,
    resume = false,
  } = options;
  const steps = checkInteger('steps', options.steps, 0);
  // Bounded so a typo (1e15) is an error rather than an update that never ends.
  const accumulate = checkInteger('accumulate', options.accumulate ?? 1, 1, MAX_ACCUMULATE);
  const seed = checkInteger('seed', options.seed ?? 0, 0);
  const clipNorm = options.clipNorm === undefined ? 1 : options.clipNorm;
  if (clipNorm !== null) checkNumber('clipNorm', clipNorm, Number.MIN_VALUE);
  const learningRate = options.learningRate ?? 3e-4;
  if (typeof learningRate !== 'function') checkNumber('learningRate', learningRate, 0);
  const lrAt: LearningRateSchedule = typeof learningRate === 'function' ? learningRate : () => learningRate;
  const tokensPerStep =
    options.tokensPerStep === undefined ? undefined : checkNumber('tokensPerStep', options.tokensPerStep, 0);
  if (typeof lossFn !== 'function') throw new InvalidTrainingArgumentError('lossFn', 'expected a function');
  if (typeof gradients !== 'function') {
    throw new InvalidTrainingArgumentError('gradients', 'expected a function (context) => { loss, grads }');
  }
  if (evaluation !== undefined) checkInteger('evaluate.every', evaluation.every, 1);
  if (checkpoint !== undefined) {
    if (typeof checkpoint.dir !== 'string' || checkpoint.dir.length === 0) {
      throw new InvalidTrainingArgumentError('checkpoint.dir', 'expected a non-empty directory path');
    }
    checkInteger('checkpoint.every', checkpoint.every, 1);
    // Fail now rather than at the first save, after minutes of training.
    if (!isJsonSerialisable(checkpoint.config)) {
      throw new InvalidTrainingArgumentError(
        'checkpoint.config',
        'expected a JSON-serialisable model config',
      );
    }
  }
  if (resume && checkpoint === undefined) {
    throw new InvalidTrainingArgumentError('resume', 'needs checkpoint.dir to resume from');
  }
  if (checkpoint?.overwrite !== undefined && typeof checkpoint.overwrite !== 'boolean') {
    throw new InvalidTrainingArgumentError('checkpoint.overwrite', 'expected true or false');
  }
  if (resume && checkpoint?.overwrite === true) {
    throw new InvalidTrainingArgumentError('checkpoint.overwrite', 'cannot be combined with resume');
  }

  // Taken before anything else: a second writer, an unwritable directory or another run's checkpoints are
  // refused before any training (or a metrics log truncated by onStart).
  const lock = checkpoint === undefined ? undefined : await lockDirectory(checkpoint.dir);
  const optimizer = new AdamW(params, optimizerOptions);
  const updateCheck = new UpdateCheck();
  try {
    if (checkpoint !== undefined && !resume) await startFresh(checkpoint);
    let startStep = 0;
    let batchesConsumed = 0;
    if (resume && checkpoint !== undefined) {
      const state = await restore(checkpoint.dir, params, optimizer, { seed, accumulate });
      startStep = state.step;
      batchesConsumed = state.batchesConsumed;
    }
    const nextBatch = batchReader(batches, batchesConsumed);
    const result: TrainResult = { step: startStep, loss: Number.NaN };
    if (resume) result.resumedFrom = startStep;
    for (const callback of callbacks) await callback.onStart?.({ startStep, steps });

    for (let it = startStep; it < steps; it++) {
      const step = it + 1;
      const lr = checkNumber(`learningRate(${it})`, lrAt(it), 0);
      const began = performance.now();
      const { loss, gradNorm } = await update(nextBatch, it, lr);
      const seconds = (performance.now() - began) / 1000;
      const metrics: StepMetrics = {
        step,
        loss,
        lr,
        gradNorm,
        tokensPerSecond: tokensPerStep === undefined ? null : tokensPerStep / seconds,
        seconds,
      };
      if (evaluation !== undefined && (step % evaluation.every === 0 || step === steps)) {
        metrics.evalLoss = await evaluateAt(evaluation, step);
        result.evalLoss = metrics.evalLoss;
      }
      result.step = step;
      result.loss = loss;
      for (const callback of callbacks) await callback.onStep?.(metrics);
      if (checkpoint !== undefined && (step % checkpoint.every === 0 || step === steps)) {
        await updateCheck.confirm(); // never save non-finite weights
        const path = await save(checkpoint, step, lr, nextBatch.consumed());
        for (const callback of callbacks) await callback.onCheckpoint?.({ step, path });
      }
    }
    await updateCheck.confirm();
    for (const callback of callbacks) await callback.onEnd?.(result);
    return result;
  } catch (error) {
    for (const callback of callbacks) await callback.onError?.(error);
    throw error;
  } finally {
    updateCheck.dispose();
    optimizer.dispose();
    await lock?.release();
  }

  async function update(
    nextBatch: BatchReader<B>,
    it: number,
    lr: number,
  ): Promise<{ loss: number; gradNorm: number }> {
    const batchesOfUpdate = nextBatch.update(it, accumulate);
    const context: GradientContext<B> = {
      step: it,
      microBatches: accumulate,
      batch: batchesOfUpdate.read,
      seeds: Array.from({ length: accumulate }, (_, micro) => stepSeed(seed, it, micro)),
      params,
      lossFn,
    };
    // The trainable set is read at every update: a callback may freeze or unfreeze weights between updates.
    const trainable = trainableOf(params);
    const { loss, grads } = await scopedGradients(gradients, context, trainable, batchesOfUpdate.finish);
    const clipped =
      clipNorm === null ? { grads, norm: globalNorm(grads) } : clipByGlobalNorm(grads, clipNorm);
    if (clipped.grads !== grads) tf.dispose(grads);
    const previous = updateCheck.take();
    const readout = tf.stack([loss, clipped.norm, previous]);
    tf.dispose([loss, clipped.norm, previous]);
    // The one device read of the step: loss, gradient norm and the check of the previous update together.
    const [lossValue, normValue, previousValue] = (await readout.data()) as Float32Array;
    readout.dispose();
    try {
      updateCheck.verify(previousValue as number);
      if (!Number.isFinite(lossValue) || !Number.isFinite(normValue)) {
        throw new NonFiniteLossError(it + 1, lossValue as number, normValue as number);
      }
      optimizer.applyGradients(clipped.grads, lr);
      updateCheck.afterUpdate(
        it + 1,
        lr,
        Object.keys(clipped.grads).map((name) => params[name] as tf.Variable),
      );
    } finally {
      tf.dispose(clipped.grads);
    }
    return { loss: lossValue as number, gradNorm: normValue as number };
  }

  async function evaluateAt(options: EvaluationOptions<B>, step: number): Promise<number> {
    // A scope, not tidy (evaluation awaits a read): tensors made by a batches function die with it.
    tf.engine().startScope();
    try {
      const source = typeof options.batches === 'function' ? options.batches() : options.batches;
      return await evaluate({ lossFn, batches: source, step });
    } finally {
      tf.engine().endScope();
    }
  }

  async function save(
    options: TrainCheckpointOptions,
    step: number,
    lr: number,
    consumed: number,
  ): Promise<string> {
    const state = optimizer.getState();
    const optimizerState = optimizerTensors(state);
    const trainerState: TrainerState = {
      version: TRAINER_STATE_VERSION,
      seed,
      batchesConsumed: consumed,
      optimizerStep: state.step,
      learningRate: lr,
    };
    try {
      return await saveCheckpoint(
        options.dir,
        { step, config: options.config, params, optimizerState, trainerState: { ...trainerState } },
        options.keep === undefined ? {} : { keep: options.keep },
      );
    } finally {
      tf.dispose(optimizerState);
    }
  }
}

// A run that does not resume starts with no checkpoints in its directory: another run's are refused, or deleted
// when the caller asks to overwrite them.
async function startFresh(options: TrainCheckpointOptions): Promise<void> {
  const steps = await listCheckpoints(options.dir);
  if (steps.length === 0) return;
  if (options.overwrite !== true) {
    throw new CheckpointError(
      'CHECKPOINT_EXISTS',
      options.dir,
      `holds checkpoints of steps [${steps.join(', ')}] from an earlier run; pass resume: true to continue it, ` +
        'checkpoint.overwrite: true to delete them and start afresh, or another checkpoint.dir',
    );
  }
  await deleteCheckpoints(options.dir);
}

function isJsonSerialisable(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false; // BigInt, cycles
  }
}
