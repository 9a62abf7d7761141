import * as tf from '@tensorflow/tfjs-core';
import { checkHeadList } from '../input-checks.js';
import type { ForwardInput, TransformerModel } from '../model.js';
import type { AccumulatedGradients } from '../train/accumulate.js';
import type { NamedGradients } from '../train/clip.js';
import { addScaled, addScaledTensor } from '../train/gradient-sum.js';
import { type GradientRunOptions, headGradients } from './head-gradients.js';
import { trunkVjp } from './trunk-vjp.js';

/** Options of {@link headByHeadGradients}. */
export interface HeadByHeadGradientsOptions {
  /** The model to differentiate; its trainable weights get gradients. */
  model: TransformerModel;
  /** Token ids `[B, T]`, or `{ inputsEmbeds }` in their place, as for `model.forward`. */
  input: ForwardInput;
  /**
   * Heads whose losses are summed, each at most once.
   * @default every head of the model
   */
  heads?: number[];
  /**
   * Loss of one head given its logits `[B, T, vocabSize]`, e.g. `crossEntropy` against the targets `head + 1`
   * positions ahead. Weight a head by scaling its loss here.
   */
  loss: (logits: tf.Tensor3D, head: number) => tf.Scalar;
  /** Options for the trunk and every head, e.g. `{ training: true, seed }` from `train`'s `LossContext`. */
  run?: GradientRunOptions;
}

/** Result of {@link headByHeadGradients}; the caller owns (and disposes) every tensor. */
export interface HeadByHeadGradients extends AccumulatedGradients {
  /** L = Σ_i L_i over the requested heads. */
  loss: tf.Scalar;
  /** ∂L/∂θ by weight name, for every trainable weight L reaches. */
  grads: NamedGradients;
  /** `[heads.length]`: L_i of each requested head, in the order of `options.heads`. */
  headLosses: tf.Tensor1D;
}

/**
 * The gradient of the summed loss of several heads, computed in the memory-efficient order of Gloeckle et al.
 * (2024, §2): the trunk runs forward once; then, one head at a time, that head's forward pass, loss and backward
 * pass run and its logits and activations are freed before the next head starts, accumulating
 *
 *     dz = Σ_i ∂L_i/∂z        and       ∂L/∂θ_shared = Σ_i ∂L_i/∂θ_shared   (ln_f, unembedding)
 *
 * and finally one trunk backward pushes dz back through the trunk (a vector–Jacobian product). Peak memory holds
 * one head's logits instead of all of them. With tied embeddings `tok_emb.weight` gets both its unembedding
 * gradient (from the heads) and its embedding gradient (from the trunk's backward), summed.
 *
 * The result equals one tape over all heads' summed loss (tested to 1e-5 on cpu and wasm) and has the shape of
 * `accumulateGradients`' result, so it can be `train`'s `gradients` (one batch: with micro-batches, call it per
 * micro-batch and average). It is made of {@link trunkVjp} and {@link headGradients}, exported for other
 * combinations.
 *
 * @throws {ModelError} (`INPUT_INVALID`) for an empty or repeated head list or a head index the model does not
 * have (the error `forward` throws for the same `heads`), and for inputs the model rejects.
 * @throws {InvalidTrainingArgumentError} for a non-scalar loss.
 */
export function headByHeadGradients(options: HeadByHeadGradientsOptions): HeadByHeadGradients {
  const { model, input, loss, run = {} } = options;
  const heads = options.heads ?? Array.from({ length: model.config.heads.count }, (_, i) => i);
  checkHeadList(heads, model.config.heads.count);
  const {
    grads: trunkGrads,
    result,
    dInputsEmbeds,
  } = trunkVjp({
    model,
    input,
    run,
    upstream: (z) => {
      let dz: tf.Tensor | undefined;
      let grads: NamedGradients = {};
      const losses: tf.Scalar[] = [];
      for (const head of heads) {
        const one = headGradients({ model, head, z, loss: (logits) => loss(logits, head), run });
        dz = addScaledTensor(dz, one.dz);
        grads = addScaled(grads, one.grads);
        losses.push(one.loss);
      }
      const headLosses = tf.stack(losses) as tf.Tensor1D;
      tf.dispose(losses);
      return { dz: dz as tf.Tensor, result: { grads, headLosses } };
    },
  });
  dInputsEmbeds?.dispose(); // the gradients are the weights' only
  const summed = addScaled(result.grads, trunkGrads);
  // In the order of model.params, as a single tape over the whole model would list them.
  const grads = Object.fromEntries(
    Object.keys(model.params).flatMap((name) => (summed[name] ? [[name, summed[name]]] : [])),
  );
  return { loss: tf.sum(result.headLosses) as tf.Scalar, grads, headLosses: result.headLosses };
}
