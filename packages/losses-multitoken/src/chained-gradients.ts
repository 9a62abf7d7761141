import {
  addGradients,
  type ForwardInput,
  type GradientRunOptions,
  headGradients,
  type NamedGradients,
  type TransformerModel,
  trunkVjp,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { chainOrder } from './arrangement.js';

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

/**
 * The gradient of Σ_i L_i for chained heads (App. B, Figure S11 of Gloeckle et al. 2024) in the memory-efficient
 * order: the trunk runs forward once and the chain of heads forward without a tape, keeping only each head's
 * input ([B, T, d] each, no logits). Then the heads are differentiated one at a time from the end of the chain
 * back to the trunk: head k gets the gradient dh_k that the later heads sent to its output, and transformer-core's
 * `headGradients` (with `dh`) differentiates, on a tape of its own,
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
          const step = headGradients({ model, head, z: x, dh, loss: (logits) => loss(logits, head), run });
          // Free as we go, so only running sums and one head's input gradient are alive between heads.
          grads = addGradients({ sums: grads, grads: step.grads });
          dh?.dispose();
          dh = step.dz;
          losses.push(step.loss);
        }
        return { dz: dh as tf.Tensor3D, result: { grads, loss: tf.addN(losses) as tf.Scalar } };
      } finally {
        tf.dispose([...losses, ...inputs.slice(1)]);
      }
    },
  });
  return { loss: result.loss, grads: addGradients({ sums: result.grads, grads: trunkGrads }) };
}
