// A model as one safetensors file, for places without a directory to hold config.json beside it (a browser's
// IndexedDB, a download): the weights exactly as saveModel writes model.safetensors, and the config in the
// header's `__metadata__`, which safetensors readers (PyTorch, Hugging Face) carry along and ignore.
import { type ModelConfigInput, parseModelConfig } from '../config.js';
import type { CreateModelOptions, TransformerModel } from '../model.js';
import { CheckpointError } from './errors.js';
import { modelWithWeights } from './model-with-weights.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { fromRawTensors, toRawTensors } from './tensors.js';

/** The `__metadata__` key holding the model's config (JSON) in a file written by {@link modelToSafetensors}. */
export const CONFIG_METADATA_KEY = 'config';

/** Options of the functions that read a model from safetensors bytes (a Blob, a File, IndexedDB). */
export interface ModelBytesOptions extends CreateModelOptions {
  /**
   * The model's config, for a weights file that does not carry one: `model.safetensors` of a saveModel directory
   * or of a training checkpoint (pass its `config.json`). When given, it wins over the file's own.
   * @default the config stored in the file's metadata
   */
  config?: ModelConfigInput;
  /**
   * Names the bytes in errors.
   * @default the file name, the IndexedDB key, or `<safetensors bytes>`
   */
  source?: string;
}

/**
 * The model as the bytes of one safetensors file: its weights (float32, the same tensors and names as the
 * `model.safetensors` that {@link saveModel} writes) and its validated config as JSON under the header's
 * `__metadata__.config`. Leaves `tf.memory().numTensors` unchanged.
 */
export async function modelToSafetensors(model: TransformerModel): Promise<Uint8Array> {
  return encodeSafetensors(await toRawTensors(model.params), {
    format: 'pt', // what Hugging Face loaders expect of PyTorch-compatible safetensors files
    [CONFIG_METADATA_KEY]: JSON.stringify(model.config),
  });
}

/**
 * Builds a model from safetensors bytes written by {@link modelToSafetensors}, or from a weights file and its
 * config (`options.config`). The config is validated as `createModel` validates it; every weight must be present
 * with the config's shape, and no other tensor may be. The caller owns the model (`model.dispose()`).
 *
 * @throws {CheckpointError} naming `options.source`: bytes that are not safetensors or hold no config
 * (`CHECKPOINT_INVALID`), or tensors that do not fit the config (`CHECKPOINT_MISMATCH`). Nothing is left
 * allocated.
 * @throws {ConfigError} naming the source, when the config is invalid.
 */
export function modelFromSafetensors(bytes: Uint8Array, options: ModelBytesOptions = {}): TransformerModel {
  const source = options.source ?? '<safetensors bytes>';
  const contents = decodeSafetensors(bytes, source);
  const config = parseModelConfig(options.config ?? storedConfig(contents.metadata, source), {
    file: source,
  });
  return modelWithWeights(config, fromRawTensors(contents.tensors), { ...options, source });
}

function storedConfig(metadata: Record<string, string>, source: string): unknown {
  const text = metadata[CONFIG_METADATA_KEY];
  if (text === undefined) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID',
      source,
      `no model config in the safetensors metadata (key "${CONFIG_METADATA_KEY}"); ` +
        'pass the config.json saved beside the weights as options.config',
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID',
      source,
      `the "${CONFIG_METADATA_KEY}" metadata is not valid JSON (${(error as Error).message})`,
    );
  }
}
