import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from './errors.js';
import type { RawTensor } from './safetensors.js';

/** Reads tensors to plain data (one async read each). float32 and int32 only, the dtypes checkpoints hold. */
export async function toRawTensors(tensors: Record<string, tf.Tensor>): Promise<Record<string, RawTensor>> {
  const raw: Array<[string, RawTensor]> = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new CheckpointError(
        'CHECKPOINT_INVALID',
        name,
        `dtype ${tensor.dtype} cannot be saved (float32 or int32)`,
      );
    }
    const data = (await tensor.data()) as Float32Array | Int32Array;
    raw.push([name, { dtype: tensor.dtype === 'float32' ? 'F32' : 'I32', shape: [...tensor.shape], data }]);
  }
  // fromEntries keeps any name, "__proto__" included, as a plain key.
  return Object.fromEntries(raw);
}

/** Uploads plain tensors to the current backend. The caller owns (and disposes) the result. */
export function fromRawTensors(raw: Record<string, RawTensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(
    Object.entries(raw).map(([name, { dtype, shape, data }]) => [
      name,
      tf.tensor(data, shape, dtype === 'F32' ? 'float32' : 'int32'),
    ]),
  );
}

/**
 * Copies `tensors` into the variables of `params`, e.g. after {@link loadCheckpoint}. Names and shapes must match
 * exactly in both directions, so a checkpoint of a different architecture fails loudly instead of half-loading.
 * `source` names the file in errors.
 */
export function assignParams(
  params: Record<string, tf.Variable>,
  tensors: Record<string, tf.Tensor>,
  source = 'checkpoint',
): void {
  const missing = Object.keys(params).filter((name) => !(name in tensors));
  const unknown = Object.keys(tensors).filter((name) => !(name in params));
  if (missing.length > 0 || unknown.length > 0) {
    throw new CheckpointError(
      'CHECKPOINT_MISMATCH',
      source,
      `tensor names differ from the model's: missing ${listOf(missing)}, unexpected ${listOf(unknown)}`,
    );
  }
  for (const [name, param] of Object.entries(params)) {
    const value = tensors[name] as tf.Tensor;
    if (!tf.util.arraysEqual(value.shape, param.shape) || value.dtype !== param.dtype) {
      throw new CheckpointError(
        'CHECKPOINT_MISMATCH',
        source,
        `"${name}" is ${value.dtype} [${value.shape}], the model expects ${param.dtype} [${param.shape}]`,
      );
    }
  }
  for (const [name, param] of Object.entries(params)) param.assign(tensors[name] as tf.Tensor);
}

// At most 10 names, each cut to 120 characters: a crafted file may hold 100,000 names of any length.
function listOf(names: string[]): string {
  const shown = names.slice(0, 10).map((name) => describeValue(name));
  return `[${shown.join(', ')}${names.length > 10 ? `, … ${names.length} in all` : ''}]`;
}
