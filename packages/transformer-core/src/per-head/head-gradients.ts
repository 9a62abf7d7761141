import * as tf from '@tensorflow/tfjs-core';
import { checkHeadIndex } from '../input-checks.js';
import type { RunOptions, TransformerModel } from '../model.js';
import { trainableOf } from '../train/check-gradients.js';
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
  /**
   * The head's input z, `[B, T, dModel]`: the trunk output (from `model.trunk`, or the `z` given to a `trunkVjp`
   * upstream), or, when heads are chained, the output of the head before it.
   */
  z: tf.Tensor3D;
  /** This head's scalar loss given its logits `[B, T, vocabSize]`, e.g. a `crossEntropy` against shifted targets. */
  loss: (logits: tf.Tensor3D) => tf.Scalar;
  /**
   * Upstream gradient at the head's output h = head(z), `[B, T, dModel]` (z's shape): what later computations
   * that read h (such as the next head of a chain) send back to it. When given, the gradients are those of
   * L_i + ⟨h, dh⟩ (see {@link headGradients}); the reported `loss` is still L_i. Not consumed.
   */
  dh?: tf.Tensor3D;
  /** Options for the head (dropout, and the same per-call inputs as the trunk had). */
  run?: GradientRunOptions;
}

/** Result of {@link headGradients}; the caller owns (and disposes) every tensor. */
export interface HeadGradients {
  /** The head's loss L_i. */
  loss: tf.Scalar;
  /** ∂J/∂z, `[B, T, dModel]`: what this head sends back to the trunk (or to the head before it in a chain). */
  dz: tf.Tensor3D;
  /**
   * ∂J/∂θ by weight name, for every trainable weight the head's loss reaches: the head's own weights, `ln_f.*`
   * and the unembedding (`lm_head.weight`, or `tok_emb.weight` when tied).
   */
  grads: NamedGradients;
}

/**
 * Runs head `head` on its input `z` (`head → ln_f → unembed → loss`) and differentiates, on a tape of its own,
 *
 *     J = L_i(unembed(h)) + ⟨h, dh⟩ = L_i + Σ_{b,t,c} h_{btc} · dh_{btc},   h = head_i(z)
 *
 * (just L_i without `dh`) with respect to `z` and the trainable weights it reaches. The ⟨h, dh⟩ term is the
 * vector-Jacobian product of whatever reads h downstream, so ∂J/∂z and ∂J/∂θ are the head's full share of the
 * gradient of a larger loss: with chained heads, the gradient of every later head's loss that flows through h.
 * Every activation of the head, its logits included, is freed before this returns. Any gradient tape already
 * recording is set aside meanwhile, so this is what a `trunkVjp` upstream calls once per head
 * (`headByHeadGradients` does exactly that).
 *
 * @throws {ModelError} (`INPUT_INVALID`) for a head index the model does not have, as `model.head` does.
 * @throws {InvalidTrainingArgumentError} when `loss` does not return a scalar, or `dh` is not shaped like `z`.
 */
export function headGradients(options: HeadGradientsOptions): HeadGradients {
  const { model, head, z, loss, dh, run = {} } = options;
  checkHeadIndex(head, model.config.heads.count);
  if (dh !== undefined && !tf.util.arraysEqual(dh.shape, z.shape)) {
    throw new InvalidTrainingArgumentError('dh', `must be shaped like z [${z.shape}], got [${dh.shape}]`);
  }
  const trainable = Object.entries(trainableOf(model.params));
  let headLoss: tf.Scalar | undefined;
  try {
    return outsideTape(() =>
      tf.tidy(() => {
        const { grads } = tf.engine().gradients(
          () => {
            const h = model.head(head, z, run);
            const y = loss(model.unembed(h));
            if (!(y instanceof tf.Tensor) || y.rank !== 0) {
              throw new InvalidTrainingArgumentError('loss', `must return a scalar tensor (head ${head})`);
            }
            // Kept: L_i outlives the tape's scope, which frees everything else the head made (J included).
            headLoss = tf.keep(y as tf.Scalar);
            return dh === undefined ? y : (tf.add(y, tf.sum(tf.mul(h, dh))) as tf.Scalar);
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
        // A kept tensor would escape every later scope of the caller's, so hand out an ordinary copy instead.
        const value = tf.clone(headLoss as tf.Scalar);
        headLoss?.dispose();
        return { loss: value, dz: (grads[0] ?? tf.zerosLike(z)) as tf.Tensor3D, grads: named };
      }),
    );
  } catch (error) {
    headLoss?.dispose();
    throw error;
  }
}
