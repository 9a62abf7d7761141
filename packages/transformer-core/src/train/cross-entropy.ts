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
 * Targets of positions the mask keeps must lie in `[0, V)`; that is not checked (it would cost a device read per
 * call). Masked-out positions may hold any id, e.g. -1 padding: ids are clamped into range before use, so they
 * never index outside the logits, and their weight is 0.
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
    const rows = z.shape[0] as number;
    // Clamp masked-out ids (e.g. -1) into range; not clipByValue, whose wasm kernel ignores int32 (tfjs 4.22).
    const t = tf.maximum(
      tf.minimum(tf.reshape(targets, [-1]), tf.scalar(vocabSize - 1, 'int32')),
      tf.scalar(0, 'int32'),
    );
    // weight_i = mask_i / sum(mask): the loss is a weighted sum, so one formula serves masked and plain means.
    const keep = mask === undefined ? tf.ones([rows]) : tf.cast(tf.reshape(mask, [-1]), 'float32');
    const weight = tf.div(keep, tf.maximum(tf.sum(keep), 1e-12)); // [N]

    const lossOf = tf.customGrad((zIn, saveIn) => {
      const x = zIn as tf.Tensor2D;
      const save = saveIn as tf.GradSaveFunc;
      const logNorm = tf.logSumExp(x, -1); // [N]
      // z[i, t_i] by a flat gather: a forward gather runs on every backend, only its gradient does not.
      const flatIndex = tf.add(tf.range(0, rows * vocabSize, vocabSize, 'int32'), t); // [N]
      const picked = tf.gather(tf.reshape(x, [-1]), flatIndex); // [N]
      const value = tf.sum(tf.mul(tf.sub(logNorm, picked), weight)) as tf.Scalar;
      // Saved tensors outlive this tidy (t and weight do not). Saving x rather than softmax(x) means no
      // [N, V] buffer is made when no gradient is taken (evaluation); backward rebuilds softmax from logNorm.
      save([x, logNorm, t, weight]);
      return {
        value,
        gradFunc: (dy, saved) => {
          const [xs, lse, ts, w] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          const probs = tf.exp(tf.sub(xs, tf.expandDims(lse, 1))); // softmax(z), [N, V]
          // d/dz [logSumExp(z) - z_t] = softmax(z) - onehot(t), scaled by the row weight and upstream dy.
          const rowScale = tf.expandDims(tf.mul(w, dy), 1); // [N, 1]
          return tf.mul(tf.sub(probs, tf.oneHot(ts, vocabSize)), rowScale);
        },
      };
    });
    return lossOf(z) as tf.Scalar;
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
