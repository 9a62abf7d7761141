import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from './clip.js';
import { checkInteger, InvalidTrainingArgumentError } from './errors.js';

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
  const trainable = Object.entries(params).filter(([, v]) => v.trainable);
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

  let loss: tf.Scalar = tf.scalar(0);
  let grads: NamedGradients = {};
  try {
    for (let micro = 0; micro < microBatches; micro++) {
      const previous = grads;
      const next = tf.tidy(() => {
        const { value, grads: byVariable } = tf.variableGrads(() => lossOf(micro), vars);
        // Start from the running sums (clones share memory) so a parameter this micro-batch does not reach
        // keeps what earlier ones contributed.
        const sums: NamedGradients = {};
        for (const [name, sum] of Object.entries(previous)) sums[name] = tf.clone(sum);
        for (const [variableName, g] of Object.entries(byVariable)) {
          const name = nameOf.get(variableName) as string;
          const scaled = tf.mul(g, scale);
          const sum = sums[name];
          sums[name] = sum === undefined ? scaled : tf.add(sum, scaled);
        }
        return { loss: tf.add(loss, tf.mul(value, scale)) as tf.Scalar, grads: sums };
      });
      // Free the running sums as we go so memory stays at one set of gradients whatever `microBatches` is.
      tf.dispose([loss, previous]);
      loss = next.loss;
      grads = next.grads;
    }
  } catch (error) {
    tf.dispose([loss, grads]);
    throw error;
  }
  return { loss, grads };
}
