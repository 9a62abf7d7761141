import * as tf from '@tensorflow/tfjs-core';
import { trainableOf } from './check-gradients.js';
import type { NamedGradients } from './clip.js';
import { checkInteger, InvalidTrainingArgumentError } from './errors.js';
import { addScaled, addScaledTensor } from './gradient-sum.js';

/** Result of {@link accumulateGradients}; the caller owns (and disposes) every tensor in it. */
export interface AccumulatedGradients {
  /** Mean loss over the micro-batches. */
  loss: tf.Scalar;
  /** Mean gradient over the micro-batches, keyed by parameter name; parameters the loss does not reach are absent. */
  grads: NamedGradients;
}

/**
 * Gradient of the mean of `lossOf(0) ... lossOf(microBatches - 1)` with respect to the trainable `params`,
 * computed one micro-batch at a time so only one micro-batch's activations live at once. With equal-size
 * micro-batches and a mean loss this equals the gradient of one big batch.
 *
 * Each `lossOf(micro)` call runs inside `tf.tidy`: tensors it creates (the batch included) are freed after its
 * gradient is taken.
 */
export function accumulateGradients(
  params: Record<string, tf.Variable>,
  lossOf: (micro: number) => tf.Scalar,
  microBatches: number,
): AccumulatedGradients {
  checkInteger('accumulate', microBatches, 1);
  const trainable = Object.entries(trainableOf(params));
  if (trainable.length === 0) throw new InvalidTrainingArgumentError('params', 'no trainable variables');
  if (tf.getGradient('Reshape') === undefined) {
    // tfjs-core alone registers no gradients in Node; without them tfjs fails deep inside the tape.
    throw new InvalidTrainingArgumentError(
      'gradients',
      'tfjs-core gradients are not registered; call initBackend() or registerGradients() from ' +
        '@beyond-ntp/runtime before training',
    );
  }
  const vars = trainable.map(([, v]) => v);
  const nameOf = new Map(trainable.map(([name, v]) => [v.name, name]));
  const scale = 1 / microBatches;

  let loss: tf.Scalar | undefined;
  let grads: NamedGradients = {};
  try {
    for (let micro = 0; micro < microBatches; micro++) {
      const running = { loss, grads };
      // The running mean goes into tidy and comes out with this micro-batch added (addScaled frees what it
      // replaces), so memory stays at one set of gradients whatever `microBatches` is.
      const next = tf.tidy(() => {
        const { value, grads: byVariable } = tf.variableGrads(() => lossOf(micro), vars);
        const named: NamedGradients = {};
        for (const [variableName, g] of Object.entries(byVariable))
          named[nameOf.get(variableName) as string] = g;
        return {
          loss: addScaledTensor(running.loss, value, scale),
          grads: addScaled(running.grads, named, scale),
        };
      });
      loss = next.loss;
      grads = next.grads;
    }
  } catch (error) {
    tf.dispose([loss, grads]);
    throw error;
  }
  return { loss: loss as tf.Scalar, grads };
}
