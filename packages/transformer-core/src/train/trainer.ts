import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { assignParams } from '../checkpoint/tensors.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import { type BatchReader, type BatchSource, batchReader } from './batch-reader.js';
import type { StepMetrics, TrainCallbacks, TrainResult } from './callbacks.js';
import { trainableOf } from './check-gradients.js';
import { clipByGlobalNorm, globalNorm } from './clip.js';
import { checkInteger, checkNumber, InvalidTrainingArgumentError, NonFiniteLossError } from './errors.js';
import { evaluate, type LossFn } from './evaluate.js';
import {
  type GradientContext,
  type GradientFn,
  lossFnGradients,
  scopedGradients,
} from './gradient-source.js';
import { optimizerStateFrom, optimizerTensors } from './optimizer-checkpoint.js';
import type { LearningRateSchedule } from './schedule.js';
import { stepSeed } from './seed.js';

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
   * Micro-batches per update; their gradients are averaged, as one batch `accumulate` times larger.
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

// Written into trainer-state.json; bump when its meaning or the checkpoint's changes. Version 1 checkpoints have
// no per-parameter AdamW counts in optimizer.safetensors; every parameter then gets `optimizerStep`. Version 2
// holds moments and counts for every parameter trainable when the run started (count 0 if it never had a
// gradient); version 3 only for the parameters that have AdamW state, whether trainable now or not.
const TRAINER_STATE_VERSION = 3;
const READABLE_VERSIONS = [1, 2, 3];

interface TrainerState {
  version: number;
  seed: number;
  /** Items drawn from an iterable batch source (0 for a function source). */
  batchesConsumed: number;
  /** AdamW updates applied (per-parameter counts are in optimizer.safetensors from version 2). */
  optimizerStep: number;
  learningRate: number;
}

/**
 * Trains `params` with AdamW: for each update, compute the loss and gradients (by default accumulated over
 * `accumulate` micro-batches of `lossFn`), clip their global norm, apply the scheduled learning rate; evaluate,
 * report and checkpoint on schedule.
 *
 * Each update reads exactly one small tensor from the device (loss and gradient norm together) and checks it
 * before applying the update: a NaN or infinite value throws {@link NonFiniteLossError} with the parameters and
 * checkpoints still at the last good step. Tensor count is constant across steps once every trained weight has
 * had a gradient (AdamW allocates a weight's moments at its first one). With the same seed on the cpu
 * backend, two runs (or a run and its resumption) produce identical losses.
 */
export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
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
  const accumulate = checkInteger('accumulate', options.accumulate ?? 1, 1);
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

  const optimizer = new AdamW(params, optimizerOptions);
  try {
    let startStep = 0;
    let batchesConsumed = 0;
    if (resume && checkpoint !== undefined) {
      const state = await restore(checkpoint.dir, params, optimizer, seed);
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
        const path = await save(checkpoint, step, lr, nextBatch.consumed());
        for (const callback of callbacks) await callback.onCheckpoint?.({ step, path });
      }
    }
    for (const callback of callbacks) await callback.onEnd?.(result);
    return result;
  } catch (error) {
    for (const callback of callbacks) await callback.onError?.(error);
    throw error;
  } finally {
    optimizer.dispose();
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
    const readout = tf.stack([loss, clipped.norm]);
    tf.dispose([loss, clipped.norm]);
    // The one device read of the step: loss and gradient norm together.
    const [lossValue, normValue] = (await readout.data()) as Float32Array;
    readout.dispose();
    try {
      if (!Number.isFinite(lossValue) || !Number.isFinite(normValue)) {
        throw new NonFiniteLossError(it + 1, lossValue as number, normValue as number);
      }
      optimizer.applyGradients(clipped.grads, lr);
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

async function restore(
  dir: string,
  params: Record<string, tf.Variable>,
  optimizer: AdamW,
  seed: number,
): Promise<{ step: number; batchesConsumed: number }> {
  const loaded = await loadCheckpoint(dir);
  const stateFile = `${loaded.path}/trainer-state.json`;
  try {
    const state = loaded.trainerState as Partial<TrainerState>;
    if (!READABLE_VERSIONS.includes(state.version as number)) {
      throw new InvalidTrainingArgumentError(
        'resume',
        `${stateFile} has version ${String(state.version)}, expected one of ${READABLE_VERSIONS.join(', ')}`,
      );
    }
    if (state.seed !== seed) {
      throw new InvalidTrainingArgumentError(
        'seed',
        `the checkpoint in ${loaded.path} was trained with seed ${String(state.seed)}; resume with the same seed`,
      );
    }
    if (loaded.optimizerState === undefined) {
      throw new InvalidTrainingArgumentError('resume', `${loaded.path} has no optimizer.safetensors`);
    }
    const optimizerFile = `${loaded.path}/optimizer.safetensors`;
    const optimizerState = optimizerStateFrom(
      loaded.optimizerState,
      checkInteger(`${stateFile} optimizerStep`, state.optimizerStep, 0),
      optimizerFile,
    );
    if (state.version !== 1 && optimizerState.parameterSteps === undefined) {
      // From version 2 on, moments come with counts; a checkpoint saved before any parameter had a gradient
      // has neither.
      if (Object.keys(optimizerState.moments).length > 0) {
        throw new InvalidTrainingArgumentError(
          'resume',
          `${optimizerFile} has no per-parameter counts (step.<name>)`,
        );
      }
      optimizerState.parameterSteps = {};
    }
    assignParams(params, loaded.params, `${loaded.path}/model.safetensors`);
    optimizer.setState(optimizerState);
    return {
      step: loaded.step,
      batchesConsumed: checkInteger(`${stateFile} batchesConsumed`, state.batchesConsumed, 0),
    };
  } finally {
    tf.dispose([loaded.params, loaded.optimizerState ?? {}]);
  }
}

function isJsonSerialisable(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false; // BigInt, cycles
  }
}
