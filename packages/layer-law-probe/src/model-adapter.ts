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
 * behind. transformer-core names its hidden states (`embed`, `blocks.<l>`, `heads.<i>`, all before the final
 * norm); the ones named by {@link modelLayerNames} are read, and the final norm is applied here with the public
 * `finalNorm` to the last entry (head 0's output).
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
    owned.push(...logits, ...hiddenStates.map((state) => state.tensor));
    const byName = new Map(hiddenStates.map((state) => [state.name as string, state.tensor]));
    const missing = names.filter((name) => !byName.has(name));
    if (missing.length > 0) {
      throw new LayerLawError(
        'INVALID_INPUT',
        'model',
        `transformer-core returned no hidden state named ${missing.join(', ')} (it returned ${[...byName.keys()].join(', ')}); this version of layer-law-probe does not know its layout`,
      );
    }
    const states = names.map((name) => byName.get(name) as tf.Tensor3D);
    const output = model.finalNorm(states[states.length - 1] as tf.Tensor3D);
    owned.push(output);
    states[states.length - 1] = output;
    return { names, states: await Promise.all(states.map((state) => state.data<'float32'>())) };
  } finally {
    tf.dispose(owned);
  }
}
