import type { GradientRunOptions, TransformerModel } from '@beyond-ntp/transformer-core';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * How the heads are wired (Gloeckle et al. 2024, §2 and App. B), with f_s the trunk and f_{h_i} head i:
 *
 * - `parallel` (the paper's default): every head reads the trunk output, h_i = f_{h_i}(f_s(x)).
 * - `causal`: each head reads the previous one, h_i = f_{h_i} ∘ f_{h_{i−1}} ∘ … ∘ f_{h_0} ∘ f_s(x), so head 0 is
 *   the parallel head 0 and later heads build on it.
 * - `anticausal`: the reverse chain, h_i = f_{h_i} ∘ f_{h_{i+1}} ∘ … ∘ f_{h_{n−1}} ∘ f_s(x): the farthest token is
 *   predicted first and the next-token head 0 comes last (so next-token inference needs every head).
 *
 * Every head's output then goes through the shared final norm and unembedding. The chained arrangements run
 * through every head of the model, so their objectives must list all heads.
 */
export type HeadArrangement = 'parallel' | 'causal' | 'anticausal';

/** The order in which a chained arrangement applies the heads of a model with `count` heads. */
export function chainOrder(arrangement: 'causal' | 'anticausal', count: number): number[] {
  const ascending = Array.from({ length: count }, (_, i) => i);
  return arrangement === 'causal' ? ascending : ascending.reverse();
}

/** Options of {@link headOutputs}. */
export interface HeadOutputsOptions {
  /** The model whose heads run. */
  model: TransformerModel;
  /** The trunk output `[B, T, dModel]`. */
  z: tf.Tensor3D;
  /** The heads whose outputs are wanted, in this order. */
  heads: number[];
  /** How the heads are wired. */
  arrangement: HeadArrangement;
  /** Dropout switch and seed, passed to every head. */
  run: GradientRunOptions;
}

/**
 * The outputs h (before the final norm) of `heads` on the trunk output `z`, in the order of `heads`, wired as
 * `arrangement` says. The caller owns the returned tensors.
 */
export function headOutputs(options: HeadOutputsOptions): tf.Tensor3D[] {
  const { model, z, heads, arrangement, run } = options;
  if (arrangement === 'parallel') return heads.map((head) => model.head(head, z, run));
  const byHead = new Map<number, tf.Tensor3D>();
  let h = z;
  for (const head of chainOrder(arrangement, model.config.heads.count)) {
    h = model.head(head, h, run);
    byHead.set(head, h);
  }
  return heads.map((head) => byHead.get(head) as tf.Tensor3D);
}
