import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '../cross-entropy.js';
import type { LossContext } from '../evaluate.js';

/** A batch of the tiny test model: token ids and next-token targets, both int32 [B, T]. */
export interface TokenBatch {
  ids: tf.Tensor2D;
  targets: tf.Tensor2D;
  mask?: tf.Tensor2D;
}

/**
 * The smallest model with the `{ params, config }` shape the trainer expects: token embedding -> (dropout) ->
 * linear head, i.e. a factorised bigram model. Embedding by one-hot matmul so it trains on every backend.
 */
export function createBigram(config: { vocabSize: number; dim: number; dropout?: number }, seed = 1) {
  const { vocabSize, dim, dropout = 0 } = config;
  // tidy frees the initial values; variables survive it.
  const params: Record<string, tf.Variable> = tf.tidy(() => ({
    'wte.weight': tf.variable(tf.randomNormal([vocabSize, dim], 0, 0.5, 'float32', seed)),
    'head.weight': tf.variable(tf.randomNormal([vocabSize, dim], 0, 0.5, 'float32', seed + 1)),
    'head.bias': tf.variable(tf.zeros([vocabSize])),
  }));

  function logits(ids: tf.Tensor2D, context?: LossContext): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, t] = ids.shape;
      const onehot = tf.oneHot(tf.reshape(ids, [-1]), vocabSize); // [B*T, V]
      let x = tf.matMul(onehot, params['wte.weight'] as tf.Variable); // [B*T, D]
      if (dropout > 0 && context?.training === true) x = tf.dropout(x, dropout, undefined, context.seed);
      const z = tf.add(
        tf.matMul(x, params['head.weight'] as tf.Variable, false, true),
        params['head.bias'] as tf.Variable,
      );
      return tf.reshape(z, [b, t, vocabSize]) as tf.Tensor3D;
    });
  }

  function loss(batch: TokenBatch, context: LossContext): tf.Scalar {
    return tf.tidy(() =>
      crossEntropy(logits(batch.ids, context), batch.targets, batch.mask ? { mask: batch.mask } : {}),
    );
  }

  return { params, config, logits, loss, dispose: () => tf.dispose(Object.values(params)) };
}

/**
 * Deterministic batch `step` of a counting language (`next = (x * 3 + 1) mod V`) with a per-step offset, so
 * batches differ between steps but every run sees the same ones.
 */
export function countingBatch(
  step: number,
  micro: number,
  shape: { batch: number; time: number; vocabSize: number },
) {
  const { batch, time, vocabSize } = shape;
  const ids: number[] = [];
  const targets: number[] = [];
  for (let b = 0; b < batch; b++) {
    let x = (step * 7 + micro * 5 + b * 3) % vocabSize;
    for (let t = 0; t < time; t++) {
      const next = (x * 3 + 1) % vocabSize;
      ids.push(x);
      targets.push(next);
      x = next;
    }
  }
  return {
    ids: tf.tensor2d(ids, [batch, time], 'int32'),
    targets: tf.tensor2d(targets, [batch, time], 'int32'),
  };
}
