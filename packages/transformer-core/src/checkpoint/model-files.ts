import { parseModelConfig } from '../config.js';
import type { CreateModelOptions, TransformerModel } from '../model.js';
import { ifMissing, joinPath as join, nodeFs } from '../node-fs.js';
import { checkLoadOptions, findCheckpoint, listCheckpoints } from './checkpoint.js';
import { makeDirectory } from './directory.js';
import { CheckpointError } from './errors.js';
import { readJson, readSafetensors, replaceFile, safetensorsBytes, syncDirectory } from './files.js';
import { modelWithWeights } from './model-with-weights.js';

const CONFIG_FILE = 'config.json';
const WEIGHTS_FILE = 'model.safetensors';

/** Options of {@link loadModel}: those of `createModel`, and which checkpoint to read. */
export interface LoadModelOptions extends CreateModelOptions {
  /**
   * When `dir` is a training checkpoint directory, load the model of this step instead of the latest one.
   * @default the latest checkpoint
   */
  step?: number;
}

/**
 * Saves a model without any training state: its validated config as `<dir>/config.json` and its weights as
 * `<dir>/model.safetensors`, the same two files a training checkpoint holds. Creates `dir` if needed and leaves
 * other files in it (a tokenizer, a README) alone. Node only; leaves `tf.memory().numTensors` unchanged.
 *
 * Each file is replaced atomically (written beside its target, fsynced, renamed), the weights first. When the
 * new config differs from the one in `dir`, the old `config.json` is removed before any weight moves, so a save
 * interrupted at any moment leaves either a consistent pair or no `config.json` (and `loadModel` refuses), never
 * a config beside the weights of another model.
 */
export async function saveModel(dir: string, model: TransformerModel): Promise<void> {
  const config = `${JSON.stringify(model.config, null, 2)}\n`;
  const weights = await safetensorsBytes(model.params);
  const fs = await nodeFs();
  await makeDirectory(dir);
  const configFile = join(dir, CONFIG_FILE);
  const previous = await fs.readFile(configFile, 'utf8').catch(ifMissing(undefined));
  if (previous !== undefined && previous !== config) {
    await fs.rm(configFile);
    await syncDirectory(dir);
  }
  await replaceFile(dir, WEIGHTS_FILE, weights);
  await replaceFile(dir, CONFIG_FILE, config);
}

/**
 * Loads a model saved by {@link saveModel}, or the model of a training checkpoint, without its optimizer or
 * trainer state. `dir` may be
 * - a directory holding `config.json` and `model.safetensors` (written by `saveModel`, or one `ckpt-<step>`
 *   directory of a training run);
 * - a training checkpoint directory (`train({ checkpoint: { dir } })`): its latest checkpoint, or the one of
 *   `options.step`.
 *
 * The config is validated as `createModel` validates it; every weight must be present with the config's shape
 * and float32 dtype, and no other tensor may be. The caller owns the model (`model.dispose()`).
 *
 * @throws {ConfigError} naming `config.json` and the field, when the config is invalid.
 * @throws {CheckpointError} naming the file: missing (`CHECKPOINT_NOT_FOUND`), malformed
 * (`CHECKPOINT_INVALID`), or holding tensors that do not fit the config (`CHECKPOINT_MISMATCH`, naming the
 * tensor). Nothing is left allocated.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<TransformerModel> {
  checkLoadOptions(dir, options);
  const path = await modelDirectory(dir, options.step);
  const configFile = join(path, CONFIG_FILE);
  const config = parseModelConfig(await readJson(configFile), {
    file: configFile,
    maxParameters: options.maxParameters,
  });
  const weightsFile = join(path, WEIGHTS_FILE);
  const weights = await readSafetensors(weightsFile);
  if (weights === undefined)
    throw new CheckpointError('CHECKPOINT_NOT_FOUND', weightsFile, 'file is missing');
  return modelWithWeights(config, weights, { ...options, source: weightsFile });
}

// `dir` itself when it holds a config.json; otherwise the checkpoint of `step` (default: latest) under it.
async function modelDirectory(dir: string, step: number | undefined): Promise<string> {
  const fs = await nodeFs();
  const isModelDirectory = await fs.stat(join(dir, CONFIG_FILE)).then(() => true, ifMissing(false));
  if (isModelDirectory) {
    if (step === undefined) return dir;
    throw new CheckpointError(
      'CHECKPOINT_NOT_FOUND',
      dir,
      `no checkpoint of step ${step}: this is a single model's directory (it has ${CONFIG_FILE}), not a training checkpoint directory`,
    );
  }
  if (step !== undefined || (await listCheckpoints(dir)).length > 0) {
    return (await findCheckpoint(dir, { step })).path;
  }
  throw new CheckpointError(
    'CHECKPOINT_NOT_FOUND',
    join(dir, CONFIG_FILE),
    `file is missing; expected a directory written by saveModel (${CONFIG_FILE}, ${WEIGHTS_FILE}) ` +
      'or a training checkpoint directory (ckpt-* subdirectories)',
  );
}
