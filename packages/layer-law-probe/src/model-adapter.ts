import type { ModelConfig, TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { LayerLawError } from './errors.js';

/** What {@link readModelHiddenStates} returns: plain arrays, no tensors. */
export interface ModelHiddenStates {
  /** A name per entry: `embed`, `blocks.0`, …, `blocks.<k>`, `heads.0` (transformer-core's state names). */
  names: string[];
  /**
   * Per entry, the states `[B, T, dModel]` row-major, in the Hugging Face layout the law is defined on: the
   * embedding output, each block's output, and last the next-token head's output *after* the model's trained
   * final norm (the tensor the unembedding reads).
   */
  states: Float32Array[];
}

/**
 * The names of a transformer-core model's hidden-state entries on the next-token path: the embedding output,
 * the trunk blocks, and head 0 (a transformer block, or a linear map for linear heads). With transformer heads
 * the trunk has `nLayers − 1` blocks and head 0 is the L-th block, so a one-head model has `nLayers + 1` entries,
 * as a Hugging Face model of `nLayers` layers.
 */
export function modelLayerNames(config: ModelConfig): string[] {
  const trunkBlocks = config.heads.type === 'transformer' ? config.nLayers - 1 : config.nLayers;
  return ['embed', ...Array.from({ length: trunkBlocks }, (_, l) => `blocks.${l}`), 'heads.0'];
}

/**
 * Runs `model` on `ids` and reads every hidden state on the next-token path into plain arrays, leaving no tensor
 * behind. This is the only function that knows how transformer-core lays its hidden states out: today
 * `forward(ids, { returnHiddenStates: true })` returns an ordered list — the embedding output, each trunk
 * block's output, then head 0's block output for transformer heads (nothing for linear heads, whose output is
 * computed here with the public `head(0, z)`), all before the final norm, which is applied here with the public
 * `finalNorm` to the last entry.
 *
 * @throws {ModelError} from transformer-core for ids it cannot run (shape, range, context length).
 */
export async function readModelHiddenStates(
  model: TransformerModel,
  ids: number[][],
): Promise<ModelHiddenStates> {
  const names = modelLayerNames(model.config);
  const owned: tf.Tensor[] = [];
  try {
    const { logits, hiddenStates = [] } = model.forward(ids, { returnHiddenStates: true, heads: [0] });
    owned.push(...logits, ...hiddenStates);
    const states: tf.Tensor3D[] = [...hiddenStates];
    const last = states[states.length - 1];
    if (model.config.heads.type === 'linear' && last !== undefined) {
      const head = model.head(0, last);
      owned.push(head);
      states.push(head);
    }
    if (states.length !== names.length) {
      throw new LayerLawError(
        'INVALID_INPUT',
        'model',
        `transformer-core returned ${states.length} hidden states where ${names.length} (${names.join(', ')}) were expected; this version of layer-law-probe does not know its layout`,
      );
    }
    const output = model.finalNorm(states[states.length - 1] as tf.Tensor3D);
    owned.push(output);
    states[states.length - 1] = output;
    return { names, states: await Promise.all(states.map((state) => state.data<'float32'>())) };
  } finally {
    tf.dispose(owned);
  }
}
