// What `train` writes beside a checkpoint's tensors, and how it reads a checkpoint back to resume. A checkpoint
// may come from anywhere, so everything is loaded and validated before anything is assigned: a resume that
// fails leaves the caller's parameters exactly as they were.
import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { assignParams } from '../checkpoint/tensors.js';
import type { AdamW, AdamWState } from './adamw.js';
import { checkInteger, InvalidTrainingArgumentError } from './errors.js';
import { optimizerStateFrom } from './optimizer-checkpoint.js';

// Written into trainer-state.json; bump when its meaning or the checkpoint's changes. Version 1 checkpoints have
// no per-parameter AdamW counts in optimizer.safetensors; every parameter then gets `optimizerStep`. Version 2
// holds moments and counts for every parameter trainable when the run started (count 0 if it never had a
// gradient); version 3 only for the parameters that have AdamW state, whether trainable now or not.
export const TRAINER_STATE_VERSION = 3;
const READABLE_VERSIONS = [1, 2, 3];

/** The contents of `trainer-state.json` (besides `step`, which `saveCheckpoint` adds). */
export interface TrainerState {
  version: number;
  seed: number;
  /** Items drawn from an iterable batch source (0 for a function source). */
  batchesConsumed: number;
  /** AdamW updates applied (per-parameter counts are in optimizer.safetensors from version 2). */
  optimizerStep: number;
  learningRate: number;
}

/** Where a resumed run continues. */
export interface ResumePoint {
  /** Updates completed. */
  step: number;
  /** Items an iterable batch source has already given. */
  batchesConsumed: number;
}

/**
 * Loads the latest checkpoint of `dir`, validates all of it (trainer state, optimizer moments, weights), and
 * only then sets the optimizer's state and copies the weights into `params`. Errors name the file and field.
 */
export async function restore(
  dir: string,
  params: Record<string, tf.Variable>,
  optimizer: AdamW,
  run: { seed: number; accumulate: number },
): Promise<ResumePoint> {
  const loaded = await loadCheckpoint(dir);
  const stateFile = `${loaded.path}/trainer-state.json`;
  const optimizerFile = `${loaded.path}/optimizer.safetensors`;
  const modelFile = `${loaded.path}/model.safetensors`;
  try {
    const state = loaded.trainerState as Partial<TrainerState>;
    if (!READABLE_VERSIONS.includes(state.version as number)) {
      throw new InvalidTrainingArgumentError(
        'resume',
        `${stateFile} has version ${describeValue(state.version)}, expected one of ${READABLE_VERSIONS.join(', ')}`,
      );
    }
    if (state.seed !== run.seed) {
      throw new InvalidTrainingArgumentError(
        'seed',
        `the checkpoint in ${loaded.path} was trained with seed ${describeValue(state.seed)}; resume with the same seed`,
      );
    }
    // Every update applies the optimizer once and draws `accumulate` items from an iterable source, so neither
    // count can exceed what `step` updates use; a larger one (1e12, 1e300) would replay batches forever.
    const optimizerStep = checkInteger(`${stateFile} optimizerStep`, state.optimizerStep, 0, loaded.step);
    const batchesConsumed = checkInteger(
      `${stateFile} batchesConsumed`,
      state.batchesConsumed,
      0,
      loaded.step * run.accumulate,
    );
    if (loaded.optimizerState === undefined) {
      throw new InvalidTrainingArgumentError('resume', `${loaded.path} has no optimizer.safetensors`);
    }
    const optimizerState = optimizerStateFrom(loaded.optimizerState, optimizerStep, optimizerFile);
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
    await checkValues(loaded.params, modelFile, () => true);
    await checkValues(optimizerState.moments, optimizerFile, (name) => !name.startsWith('exp_avg_sq.'));
    // Both calls check everything before changing anything; the optimizer belongs to this run, the parameters to
    // the caller, so they are assigned last.
    withFile(optimizerFile, () => optimizer.setState(optimizerState));
    assignParams(params, loaded.params, modelFile);
    return { step: loaded.step, batchesConsumed };
  } finally {
    tf.dispose([loaded.params, loaded.optimizerState ?? {}]);
  }
}

/**
 * Throws unless every float32 tensor of `tensors` is finite and, unless `mayBeNegative(name)`, non-negative (a
 * second moment is a running mean of squares). One read per tensor, once per resume.
 */
async function checkValues(
  tensors: AdamWState['moments'],
  file: string,
  mayBeNegative: (name: string) => boolean,
): Promise<void> {
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32') continue; // dtypes are checked against the parameters
    const values = (await tensor.data()) as Float32Array;
    const negativeAllowed = mayBeNegative(name);
    const bad = values.findIndex((v) => !Number.isFinite(v) || (!negativeAllowed && v < 0));
    if (bad >= 0) {
      throw new InvalidTrainingArgumentError(
        'resume',
        `${file}: tensor ${describeValue(name)} holds ${values[bad]} at index ${bad}; ` +
          (negativeAllowed ? 'every value must be finite' : 'every value must be finite and >= 0'),
      );
    }
  }
}

// Runs `check`, prefixing an InvalidTrainingArgumentError it throws with the file the state came from.
function withFile(file: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!InvalidTrainingArgumentError.isInstance(error)) throw error;
    throw new InvalidTrainingArgumentError('resume', `${file}: ${error.message}`);
  }
}
