import * as tf from '@tensorflow/tfjs-core';
import type { AdamWState } from './adamw.js';
import { InvalidTrainingArgumentError } from './errors.js';

// PyTorch keeps `state["step"]` beside `exp_avg` and `exp_avg_sq` for each parameter; `optimizer.safetensors`
// stores it the same way, as `step.<param>`. int32 rather than PyTorch's float32 scalar: an update count is an
// integer and stays exact past 2^24.
const STEP_PREFIX = 'step.';

/**
 * The tensors of `optimizer.safetensors` for `state`: its moments plus an int32 scalar `step.<param>` per
 * parameter. The caller disposes them (the moments are `state`'s own).
 */
export function optimizerTensors(state: AdamWState): Record<string, tf.Tensor> {
  const tensors: Record<string, tf.Tensor> = { ...state.moments };
  for (const [name, count] of Object.entries(state.parameterSteps ?? {})) {
    tensors[`${STEP_PREFIX}${name}`] = tf.scalar(count, 'int32');
  }
  return tensors;
}

/**
 * The AdamW state held by the tensors of `file` (an `optimizer.safetensors`), with `step` updates applied. The
 * per-parameter counts are read from the `step.<param>` scalars; a file written before they existed has none,
 * and then `parameterSteps` is left out so that every parameter gets `step`, the count the optimizer used for all
 * of them when the file was written. The returned moments are the given tensors, not copies.
 */
export function optimizerStateFrom(
  tensors: Record<string, tf.Tensor>,
  step: number,
  file: string,
): AdamWState {
  const moments: Record<string, tf.Tensor> = {};
  const parameterSteps: Record<string, number> = {};
  for (const [key, tensor] of Object.entries(tensors)) {
    if (!key.startsWith(STEP_PREFIX)) {
      moments[key] = tensor;
      continue;
    }
    if (tensor.rank !== 0 || tensor.dtype !== 'int32') {
      throw new InvalidTrainingArgumentError(
        'resume',
        `${file}: "${key}" must be an int32 scalar, got ${tensor.dtype} [${tensor.shape}]`,
      );
    }
    // A read per parameter, once per resume.
    parameterSteps[key.slice(STEP_PREFIX.length)] = tensor.dataSync()[0] as number;
  }
  return Object.keys(parameterSteps).length === 0 ? { step, moments } : { step, parameterSteps, moments };
}
