import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from './clip.js';
import { InvalidTrainingArgumentError } from './errors.js';

/**
 * Throws an {@link InvalidTrainingArgumentError} for `field` unless every entry of `grads` is a float32 tensor
 * named after one of `trainable` and shaped like it. A gradient of another shape would otherwise broadcast silently into the
 * update.
 */
export function checkGradients(
  grads: NamedGradients,
  trainable: Record<string, tf.Tensor>,
  field: string,
): void {
  if (typeof grads !== 'object' || grads === null) {
    throw new InvalidTrainingArgumentError(field, 'expected gradients keyed by parameter name');
  }
  for (const [name, g] of Object.entries(grads)) {
    const param = Object.hasOwn(trainable, name) ? trainable[name] : undefined;
    if (param === undefined) {
      throw new InvalidTrainingArgumentError(field, `"${name}" is not a trainable parameter`);
    }
    if (!(g instanceof tf.Tensor) || g.dtype !== 'float32') {
      throw new InvalidTrainingArgumentError(field, `the gradient of "${name}" is not a float32 tensor`);
    }
    if (!tf.util.arraysEqual(g.shape, param.shape)) {
      throw new InvalidTrainingArgumentError(
        field,
        `the gradient of "${name}" has shape [${g.shape}], the parameter [${param.shape}]`,
      );
    }
  }
}

/**
 * The parameters of `params` whose `trainable` flag is set now. Read at every use rather than once per run, so
 * that a parameter frozen or unfrozen mid-run (`setTrainable`) takes part from the next update on.
 */
export function trainableOf(params: Record<string, tf.Variable>): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v.trainable));
}
