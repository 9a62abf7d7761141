import * as tf from '@tensorflow/tfjs-core';
import type { RunOptions, TransformerModel } from '../model.js';
import type { NamedGradients } from '../train/clip.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import { outsideTape } from './tape.js';

/**
 * Per-call options passed unchanged to the embedding, the trunk and every head by the per-head gradient helpers:
 * every option of `RunOptions` except the KV cache, which training does not use. With `training: true` and a
 * `seed`, dropout masks equal those of `model.forward` with the same options.
 */
export type GradientRunOptions = Omit<RunOptions, 'kvCache'>;

/** Options of {@link headGradients}. */
export interface HeadGradientsOptions {
  /** The model whose head is differentiated. */
  model: TransformerModel;
  /** Index of the head. */
  head: number;
  /** Trunk output z, `[B, T, dModel]` (from `model.trunk`, or the `z` given to a `trunkVjp` upstream). */
  z: tf.Tensor3D;
  /** This head's scalar loss given its logits `[B, T, vocabSize]`, e.g. a `crossEntropy` against shifted targets. */
  loss: (logits: tf.Tensor3D) => tf.Scalar;
  /** Options for the head (dropout, and the same per-call inputs as the trunk had). */
  run?: GradientRunOptions;
}

/** Result of {@link headGradients}; the caller owns (and disposes) every tensor. */
export interface HeadGradients {
  /** The head's loss L_i. */
  loss: tf.Scalar;
  /** ∂L_i/∂z, `[B, T, dModel]`: what this head sends back to the trunk. */
  dz: tf.Tensor3D;
  /**
   * ∂L_i/∂θ by weight name, for every trainable weight the head's loss reaches: the head's own weights, `ln_f.*`
   * and the unembedding (`lm_head.weight`, or `tok_emb.weight` when tied).
   */
  grads: NamedGradients;
}

/**
 * Runs head `head` on the trunk output `z` (`head → ln_f → unembed → loss`) and differentiates its loss with
 * respect to `z` and the trainable weights it reaches, on a tape of its own: every activation of the head, its
 * logits included, is freed before this returns. Any gradient tape already recording is set aside meanwhile,
 * so this is what a `trunkVjp` upstream calls once per head (`headByHeadGradients` does exactly that).
 *
 * @throws {ModelError} for a head index the model does not have.
 * @throws {InvalidTrainingArgumentError} when `loss` does not return a scalar.
 */
export function headGradients(options: HeadGradientsOptions): HeadGradients {
  const { model, head, z, loss, run = {} } = options;
  const trainable = Object.entries(model.params).filter(([, v]) => v.trainable);
  return outsideTape(() =>
    tf.tidy(() => {
      const { value, grads } = tf.engine().gradients(
        () => {
          const y = loss(model.unembed(model.head(head, z, run)));
          if (!(y instanceof tf.Tensor) || y.rank !== 0) {
            throw new InvalidTrainingArgumentError('loss', `must return a scalar tensor (head ${head})`);
          }
          return y;
        },
        [z, ...trainable.map(([, v]) => v)],
        undefined,
        true, // weights this head does not reach (the trunk's, other heads') get no gradient
      );
      const named: NamedGradients = {};
      trainable.forEach(([name], k) => {
        const g = grads[k + 1];
        if (g != null) named[name] = g;
      });
      return { loss: value as tf.Scalar, dz: (grads[0] ?? tf.zerosLike(z)) as tf.Tensor3D, grads: named };
    }),
  );
}
