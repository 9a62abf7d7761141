import * as tf from '@tensorflow/tfjs-core';
import { InvalidTrainingArgumentError } from './errors.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /**
   * Weight per target, same shape as `targets` (`[N]` or `[B, T]`): 1 keeps a position, 0 ignores it (prompt
   * tokens, padding). Any numeric dtype; it is cast to float32. The loss is the mask-weighted mean, so fully
   * masked batches give 0 rather than NaN.
   * @default every position counts
   */
  mask?: tf.Tensor;
}

/**
 * Mean cross-entropy between `logits` (`[N, V]` or `[B, T, V]`) and int32 class ids `targets` (`[N]` or `[B, T]`).
 *
 * Computed as `logSumExp(z) - z[target]`, which never exponentiates a large logit. The gradient is written by
 * hand (`(softmax(z) - onehot(target)) * weight`) instead of differentiating a gather: tfjs's `GatherV2` gradient
 * needs `UnsortedSegmentSum`, which the wasm backend does not have, so this loss trains on every backend.
 *
 * Targets must lie in `[0, V)`; that is not checked (it would cost a device read per call). A target outside the
 * range selects no logit and contributes `logSumExp(z)` to the loss.
 */
export function crossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: CrossEntropyOptions = {},
): tf.Scalar {
  const { mask } = options;
  if (logits.rank !== 2 && logits.rank !== 3) {
    throw new InvalidTrainingArgumentError(
      'logits',
      `expected shape [N, V] or [B, T, V], got [${logits.shape}]`,
    );
  }
  const leading = logits.shape.slice(0, -1);
  const vocabSize = logits.shape[logits.rank - 1] as number;
  if (targets.dtype !== 'int32') {
    throw new InvalidTrainingArgumentError('targets', `expected dtype int32, got ${targets.dtype}`);
  }
  if (!sameShape(targets.shape, leading)) {
    throw new InvalidTrainingArgumentError(
      'targets',
      `expected shape [${leading}] to match logits [${logits.shape}], got [${targets.shape}]`,
    );
  }
  if (mask !== undefined && !sameShape(mask.shape, leading)) {
    throw new InvalidTrainingArgumentError(
      'mask',
      `expected shape [${leading}] like targets, got [${mask.shape}]`,
    );
  }

  return tf.tidy(() => {
    const z = tf.reshape(tf.cast(logits, 'float32'), [-1, vocabSize]); // [N, V]
    const onehot = tf.oneHot(tf.reshape(targets, [-1]), vocabSize); // [N, V]
    // weight_i = mask_i / sum(mask): the loss is a weighted sum, so one formula serves masked and plain means.
    const keep =
      mask === undefined ? tf.ones([z.shape[0] as number]) : tf.cast(tf.reshape(mask, [-1]), 'float32');
    const weight = tf.div(keep, tf.maximum(tf.sum(keep), 1e-12)); // [N]

    const lossOf = tf.customGrad((zIn, saveIn) => {
      const x = zIn as tf.Tensor2D;
      const save = saveIn as tf.GradSaveFunc;
      const logNorm = tf.logSumExp(x, -1); // [N]
      const picked = tf.sum(tf.mul(x, onehot), -1); // [N] = z[target]
      const value = tf.sum(tf.mul(tf.sub(logNorm, picked), weight)) as tf.Scalar;
      // The gradient needs only softmax(z) - onehot(t) weighted per row, so save that one [N, V] tensor
      // (saved tensors outlive this tidy; onehot and weight do not).
      save([tf.mul(tf.sub(tf.softmax(x), onehot), tf.expandDims(weight, 1))]);
      return {
        value,
        gradFunc: (dy, saved) => tf.mul(saved[0] as tf.Tensor2D, dy),
      };
    });
    return lossOf(z) as tf.Scalar;
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
