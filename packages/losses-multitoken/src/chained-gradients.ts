import {
  type ForwardInput,
  type GradientRunOptions,
  type NamedGradients,
  type TransformerModel,
  trunkVjp,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { chainOrder } from './arrangement.js';
import { addScaled } from './named-gradients.js';

/** Options of {@link chainedHeadByHeadGradients}. */
export interface ChainedGradientsOptions {
  /** The model whose heads are chained. */
  model: TransformerModel;
  /** Token ids `[B, T]`, as for `model.forward`. */
  input: ForwardInput;
  /** Which chain: head i reads head i − 1 (`causal`) or head i + 1 (`anticausal`). */
  arrangement: 'causal' | 'anticausal';
  /** Loss of head `head` given its logits (already weighted). */
  loss: (logits: tf.Tensor3D, head: number) => tf.Scalar;
  /** Dropout switch and seed for the trunk and every head. */
  run: GradientRunOptions;
}

/** One head's part of the reverse sweep: the head, its input and the gradient the later heads sent its output. */
interface HeadVjpOptions {
  model: TransformerModel;
  head: number;
  x: tf.Tensor3D;
  dh: tf.Tensor3D | undefined;
  loss: (logits: tf.Tensor3D) => tf.Scalar;
  run: GradientRunOptions;
}

/**
 * The gradient of Σ_i L_i for chained heads (App. B, Figure S11 of Gloeckle et al. 2024) in the memory-efficient
 * order: the trunk runs forward once and the chain of heads forward without a tape, keeping only each head's
 * input ([B, T, d] each, no logits). Then the heads are differentiated one at a time from the end of the chain
 * back to the trunk: head k gets the gradient dh_k that the later heads sent to its output, and on a tape of its
 * own differentiates
 *
 *     L_k(unembed(h_k)) + ⟨h_k, dh_k⟩,   h_k = head_k(x_k)
 *
 * with respect to its input x_k (which becomes dh_{k−1}) and the weights it reaches; its logits are freed
 * before the next head. The gradient at the chain's start is the trunk's upstream, pushed back by `trunkVjp`.
 * Each head runs forward twice (chain, then its own tape); only one head's logits are alive at any time.
 */
export function chainedHeadByHeadGradients(options: ChainedGradientsOptions): {
  loss: tf.Scalar;
  grads: NamedGradients;
} {
  const { model, input, arrangement, loss, run } = options;
  const chain = chainOrder(arrangement, model.config.heads.count);
  const { grads: trunkGrads, result } = trunkVjp({
    model,
    input,
    run,
    upstream: (z) => {
      // inputs[k] is the input of chain[k]: z, then each head's output but the last one's.
      const inputs = [z];
      for (const head of chain.slice(0, -1)) {
        inputs.push(model.head(head, inputs[inputs.length - 1] as tf.Tensor3D, run));
      }
      let dh: tf.Tensor3D | undefined;
      let grads: NamedGradients = {};
      const losses: tf.Scalar[] = [];
      try {
        for (let k = chain.length - 1; k >= 0; k--) {
          const head = chain[k] as number;
          const x = inputs[k] as tf.Tensor3D;
          const step = headVjp({ model, head, x, dh, loss: (logits) => loss(logits, head), run });
          // Free as we go, so only running sums and one head's input gradient are alive between heads.
          const sums = tf.tidy(() => addScaled(grads, step.grads));
          tf.dispose([grads, step.grads, dh ?? []]);
          grads = sums;
          dh = step.dx;
          losses.push(step.loss);
        }
        return { dz: dh as tf.Tensor3D, result: { grads, loss: tf.addN(losses) as tf.Scalar } };
      } finally {
        tf.dispose([...losses, ...inputs.slice(1)]);
      }
    },
  });
  const grads = tf.tidy(() => addScaled(result.grads, trunkGrads));
  tf.dispose([result.grads, trunkGrads]);
  return { loss: result.loss, grads };
}

// On a tape of its own: value L(unembed(h)), with h = head(x), and the gradients of L + ⟨h, dh⟩ with respect to
// x and every trainable weight it reaches.
function headVjp(options: HeadVjpOptions): { loss: tf.Scalar; dx: tf.Tensor3D; grads: NamedGradients } {
  const { model, head, x, dh, loss, run } = options;
  const trainable = Object.entries(model.params).filter(([, v]) => v.trainable);
  let value: tf.Scalar | undefined;
  let grads: Array<tf.Tensor | null>;
  try {
    ({ grads } = tf.engine().gradients(
      () => {
        const h = model.head(head, x, run);
        // Kept: the loss outlives the forward scope, which frees everything else the head made.
        value = tf.keep(loss(model.unembed(h)));
        return dh === undefined ? value : (tf.add(value, tf.sum(tf.mul(h, dh))) as tf.Scalar);
      },
      [x, ...trainable.map(([, v]) => v)],
      undefined,
      true, // weights this head does not reach (the trunk's, other heads') get no gradient
    ));
  } catch (error) {
    value?.dispose();
    throw error;
  }
  const named: NamedGradients = {};
  trainable.forEach(([name], k) => {
    const g = grads[k + 1];
    if (g != null) named[name] = g;
  });
  return { loss: value as tf.Scalar, dx: (grads[0] ?? tf.zerosLike(x)) as tf.Tensor3D, grads: named };
}
