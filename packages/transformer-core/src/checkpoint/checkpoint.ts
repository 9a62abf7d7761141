import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { ifMissing, joinPath as join, nodeFs } from '../node-fs.js';
import { writing } from './directory.js';
import { CheckpointError } from './errors.js';
import {
  readJson,
  readSafetensors,
  replaceFile,
  safetensorsBytes,
  syncDirectory,
  TEMP_PREFIX,
  writeDurably,
} from './files.js';
import { isLiveTemp, withDirectoryLock } from './lock.js';

/** What one checkpoint holds. Tensors are read, not disposed. */
export interface CheckpointData {
  /** Optimizer updates completed; names the directory (`ckpt-<step>`). */
  step: number;
  /** The model config, written as `config.json`; must survive `JSON.stringify`. */
  config: unknown;
  /** Model parameters by their checkpoint names, written as `model.safetensors`. */
  params: Record<string, tf.Tensor>;
  /** Optimizer tensors (e.g. AdamW moments), written as `optimizer.safetensors` when given. */
  optimizerState?: Record<string, tf.Tensor>;
  /** Anything else needed to resume (data position, seed, schedule), written as `trainer-state.json`. */
  trainerState?: Record<string, unknown>;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * How many of the newest checkpoints to keep; older `ckpt-*` directories are deleted after the new one is
   * complete. At least 1.
   * @default 2
   */
  keep?: number;
}

/** A checkpoint read back by {@link loadCheckpoint}. The caller owns (and disposes) the tensors. */
export interface LoadedCheckpoint {
  /** Directory the checkpoint was read from. */
  path: string;
  /** Optimizer updates completed when it was saved. */
  step: number;
  /** Parsed `config.json`. */
  config: unknown;
  /** Tensors of `model.safetensors`. */
  params: Record<string, tf.Tensor>;
  /** Tensors of `optimizer.safetensors`, when the checkpoint has one. */
  optimizerState?: Record<string, tf.Tensor>;
  /** Parsed `trainer-state.json` (always has `step`). */
  trainerState: Record<string, unknown>;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * Load the checkpoint of this step instead of the latest one.
   * @default the step named by the `latest` file
   */
  step?: number;
}

const LATEST_FILE = 'latest';
// A complete checkpoint moved aside while a save of the same step replaces it: `.tmp-old-ckpt-<step>-<pid>`.
const ASIDE_PATTERN = /^\.tmp-old-(ckpt-\d+)-\d+$/;
const CKPT_PATTERN = /^ckpt-(\d+)$/;

/** Directory name of the checkpoint of `step`, zero-padded so names sort by step. */
export function checkpointDirName(step: number): string {
  return `ckpt-${String(step).padStart(8, '0')}`;
}

/**
 * Saves a checkpoint as `<dir>/ckpt-<step>/` (`config.json`, `model.safetensors`, `optimizer.safetensors`,
 * `trainer-state.json`) and points `<dir>/latest` at it. Nothing is lost if the process dies at any moment:
 * files are written and fsynced in a temporary directory beside the target, which is renamed into place only
 * when complete; then `latest` is replaced by an atomic rename; only then are old checkpoints pruned. Stale
 * temporary directories of an earlier crash are removed. Returns the new checkpoint's directory.
 *
 * The save holds the directory's lock file (`<dir>/.lock`, see `train`), so a second process writing the same
 * directory is refused with `CHECKPOINT_LOCKED`. Tensors with a NaN or infinite value are refused
 * (`CHECKPOINT_INVALID`, naming the tensor) and nothing is published. A write the file system refuses (full
 * disk, read-only or unwritable directory) is `CHECKPOINT_WRITE_FAILED`, naming the path and the step; the
 * previous checkpoints stay as they were.
 */
export async function saveCheckpoint(
  dir: string,
  data: CheckpointData,
  options: SaveCheckpointOptions = {},
): Promise<string> {
  const invalid = (message: string): never => {
    throw new CheckpointError('CHECKPOINT_INVALID', dir, message);
  };
  if (typeof dir !== 'string' || dir === '')
    invalid(`dir must be a directory path, got ${describeValue(dir)}`);
  if (!isRecord(options)) invalid(`options must be an object, got ${describeValue(options)}`);
  if (!isRecord(data)) invalid(`data must be an object, got ${describeValue(data)}`);
  const keep = options.keep ?? 2;
  if (!Number.isInteger(keep) || keep < 1)
    invalid(`keep must be an integer >= 1, got ${describeValue(keep)}`);
  if (!Number.isSafeInteger(data.step) || data.step < 0) {
    invalid(`step must be an integer >= 0, got ${describeValue(data.step)}`);
  }
  for (const field of ['params', 'optimizerState'] as const) {
    const tensors = data[field];
    if (tensors === undefined && field === 'optimizerState') continue;
    if (!isRecord(tensors) || !Object.values(tensors).every((t) => t instanceof tf.Tensor)) {
      invalid(`${field} must be an object of tensors, got ${describeValue(tensors)}`);
    }
  }
  if (data.trainerState !== undefined && !isRecord(data.trainerState)) {
    invalid(`trainerState must be an object, got ${describeValue(data.trainerState)}`);
  }
  const configJson = jsonText(data.config) ?? invalid('config is not JSON-serialisable');
  const trainerState = `${jsonText({ ...data.trainerState, step: data.step }) ?? invalid('trainerState is not JSON-serialisable')}\n`;
  const name = checkpointDirName(data.step);
  const doing = `cannot write the checkpoint of step ${data.step}`;
  return withDirectoryLock(dir, async () => {
    const fs = await nodeFs();
    await writing(dir, doing, () => recoverInterruptedSaves(dir));
    // Named by pid so that a process can tell its own temporaries from another's; mkdir applies the umask.
    const temp = join(dir, `${TEMP_PREFIX}${name}-${process.pid}`);
    try {
      await writing(temp, doing, () => fs.mkdir(temp));
      const modelFile = join(temp, 'model.safetensors');
      await writing(modelFile, doing, async () =>
        writeDurably(modelFile, await safetensorsBytes(data.params, join(dir, name, 'model.safetensors'))),
      );
      if (data.optimizerState !== undefined) {
        const state = data.optimizerState;
        const optimizerFile = join(temp, 'optimizer.safetensors');
        await writing(optimizerFile, doing, async () =>
          writeDurably(
            optimizerFile,
            await safetensorsBytes(state, join(dir, name, 'optimizer.safetensors')),
          ),
        );
      }
      for (const [file, text] of [
        ['config.json', `${configJson}\n`],
        ['trainer-state.json', trainerState],
      ] as const) {
        await writing(join(temp, file), doing, () => writeDurably(join(temp, file), text));
      }
      await syncDirectory(temp);
    } catch (error) {
      // Nothing of this save was published; leave no temporary behind (a crash's is removed by the next save).
      await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }

    const target = join(dir, name);
    return writing(target, doing, async () => {
      // A directory of the same step exists only if a run crashed after saving it, or saves this step again.
      // Move it aside rather than deleting it so the step stays loadable until the new copy is in place.
      const aside = await moveAsideIfExists(dir, name);
      await fs.rename(temp, target);
      await syncDirectory(dir);
      await replaceFile(dir, LATEST_FILE, `${name}\n`);
      if (aside !== undefined) await fs.rm(aside, { recursive: true, force: true });
      await prune(dir, keep, name);
      return target;
    });
  });
}

/**
 * Loads the latest checkpoint under `dir` (the one named by `<dir>/latest`; if that file is missing or stale,
 * the highest-step `ckpt-*` directory), or the one of `options.step`. Throws a {@link CheckpointError} naming
 * the file when something is missing or malformed.
 */
export async function loadCheckpoint(
  dir: string,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const { path, step } = await findCheckpoint(dir, options);
  const config = await readJson(join(path, 'config.json'));
  const trainerState = await readJson(join(path, 'trainer-state.json'));
  if (typeof trainerState !== 'object' || trainerState === null || Array.isArray(trainerState)) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID',
      join(path, 'trainer-state.json'),
      'expected a JSON object',
    );
  }
  const params = await readSafetensors(join(path, 'model.safetensors'));
  if (params === undefined) {
    throw new CheckpointError('CHECKPOINT_NOT_FOUND', join(path, 'model.safetensors'), 'file is missing');
  }
  let optimizerState: Record<string, tf.Tensor> | undefined;
  try {
    optimizerState = await readSafetensors(join(path, 'optimizer.safetensors'));
  } catch (error) {
    tf.dispose(params);
    throw error;
  }
  return {
    path,
    step,
    config,
    params,
    ...(optimizerState === undefined ? {} : { optimizerState }),
    trainerState: { ...(trainerState as Record<string, unknown>), step },
  };
}

/**
 * @internal The directory and step of the checkpoint {@link loadCheckpoint} would read: the latest one under
 * `dir`, or the one of `options.step`. Throws `CHECKPOINT_NOT_FOUND` when there is none.
 */
export async function findCheckpoint(
  dir: string,
  options: LoadCheckpointOptions = {},
): Promise<{ path: string; step: number }> {
  const steps = await listCheckpoints(dir);
  checkLoadOptions(dir, options);
  let step: number | undefined = options.step;
  if (step === undefined) step = (await readLatest(dir, steps)) ?? steps[steps.length - 1];
  if (step === undefined || !steps.includes(step)) {
    const which = options.step === undefined ? 'no checkpoint' : `no checkpoint of step ${options.step}`;
    throw new CheckpointError('CHECKPOINT_NOT_FOUND', dir, `${which} (found steps [${steps.join(', ')}])`);
  }
  return { path: await stepPath(dir, step), step };
}

/** Steps of the complete checkpoints under `dir`, ascending (empty when `dir` does not exist). */
export async function listCheckpoints(dir: string): Promise<number[]> {
  const entries = await (await nodeFs()).readdir(dir).catch(ifMissing([]));
  // A step whose save was interrupted while replacing it survives as the copy moved aside (see saveCheckpoint).
  const names = entries.map((entry) => ASIDE_PATTERN.exec(entry)?.[1] ?? entry);
  const steps = names
    .map((name) => CKPT_PATTERN.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number);
  return [...new Set(steps)].sort((a, b) => a - b);
}

/** The directory holding `step`: its own, or the copy moved aside by an interrupted replacement. */
async function stepPath(dir: string, step: number): Promise<string> {
  const name = checkpointDirName(step);
  const entries = await (await nodeFs()).readdir(dir);
  if (entries.includes(name)) return join(dir, name);
  const aside = entries.find((entry) => ASIDE_PATTERN.exec(entry)?.[1] === name);
  return join(dir, aside ?? name);
}

async function readLatest(dir: string, steps: number[]): Promise<number | undefined> {
  const text = await (await nodeFs()).readFile(join(dir, LATEST_FILE), 'utf8').catch(ifMissing(undefined));
  if (text === undefined) return undefined;
  const digits = CKPT_PATTERN.exec(text.trim())?.[1];
  const step = digits === undefined ? undefined : Number(digits);
  return step !== undefined && steps.includes(step) ? step : undefined;
}

async function moveAsideIfExists(dir: string, name: string): Promise<string | undefined> {
  const aside = join(dir, `${TEMP_PREFIX}old-${name}-${process.pid}`);
  const fs = await nodeFs();
  return fs.rename(join(dir, name), aside).then(() => aside, ifMissing(undefined));
}

/**
 * Cleans up after a save that stopped part-way: a checkpoint moved aside whose replacement never arrived is put
 * back; every other temporary (unfinished copies, replaced checkpoints, pointer files) is removed. Temporaries of
 * a process that is still running are left alone: they may be part of a save in progress.
 */
async function recoverInterruptedSaves(dir: string): Promise<void> {
  const entries = await (await nodeFs()).readdir(dir);
  for (const entry of entries) {
    if (!entry.startsWith(TEMP_PREFIX) || isLiveTemp(entry)) continue;
    const original = ASIDE_PATTERN.exec(entry)?.[1];
    if (original !== undefined && !entries.includes(original)) {
      await (await nodeFs()).rename(join(dir, entry), join(dir, original));
      entries.push(original);
    } else {
      await (await nodeFs()).rm(join(dir, entry), { recursive: true, force: true });
    }
  }
}

/**
 * @internal Deletes every checkpoint of `dir` and its `latest` pointer, newest first, so that an interruption
 * never leaves `latest` naming a deleted step while older ones remain.
 */
export async function deleteCheckpoints(dir: string): Promise<void> {
  const fs = await nodeFs();
  await writing(dir, 'cannot delete the earlier checkpoints', async () => {
    await fs.rm(join(dir, LATEST_FILE), { force: true });
    for (const step of (await listCheckpoints(dir)).reverse()) {
      await fs.rm(await stepPath(dir, step), { recursive: true, force: true });
    }
  });
}

/** @internal Throws unless `options` is an object whose `step`, if any, is an integer. */
export function checkLoadOptions(dir: string, options: LoadCheckpointOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID',
      dir,
      `options must be an object, got ${describeValue(options)}`,
    );
  }
  if (options.step !== undefined && !Number.isSafeInteger(options.step)) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID',
      dir,
      `step must be an integer, got ${describeValue(options.step)}`,
    );
  }
}

// `value` as indented JSON, or undefined when it has none (BigInt, cycles, a bare function or undefined).
function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function prune(dir: string, keep: number, current: string): Promise<void> {
  const steps = await listCheckpoints(dir);
  for (const step of steps.slice(0, Math.max(0, steps.length - keep))) {
    const name = checkpointDirName(step);
    if (name !== current) await (await nodeFs()).rm(join(dir, name), { recursive: true, force: true });
  }
}
