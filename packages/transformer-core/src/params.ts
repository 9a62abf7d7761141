import * as tf from '@tensorflow/tfjs-core';
import type { BlockParams } from './block.js';
import type { ModelConfig } from './config.js';
import type { NormParams } from './norm.js';
import { mixSeed, normalSeed } from './random.js';

/** One output head's weights: a `[dModel, dModel]` linear map or a transformer block. */
export type HeadParams =
  | { type: 'linear'; weight: tf.Tensor2D }
  | { type: 'transformer'; block: BlockParams };

/** The model's weights arranged by module; the same variables as the flat, named `params` record. */
export interface ModelParams {
  /** `tok_emb.weight`, `[vocabSize, dModel]` */
  tokEmb: tf.Tensor2D;
  /** `pos_emb.weight`, `[contextLength, dModel]`; learned positions only. */
  posEmb?: tf.Tensor2D;
  /** `blocks.{l}.*`, the shared trunk. */
  blocks: BlockParams[];
  /** `heads.{i}.*` */
  heads: HeadParams[];
  /** `ln_f.*`, the final norm shared by all heads. */
  lnF: NormParams;
  /** `lm_head.weight`, `[vocabSize, dModel]`; absent when tied to `tok_emb.weight`. */
  lmHead?: tf.Tensor2D;
}

// GPT-2 initialisation: N(0, 0.02) for embeddings and linear maps, residual output projections scaled by
// 1/sqrt(2·nLayers) so the residual stream's variance does not grow with depth; norms start as identity.
const INIT_STD = 0.02;

/**
 * Creates every weight of a model described by `config`, drawn deterministically from `seed`, and returns
 * them both by module and flat under their checkpoint names (insertion order = the documented order).
 */
export function initParams(
  config: ModelConfig,
  seed: number,
): { named: Record<string, tf.Variable>; tree: ModelParams } {
  const named: Record<string, tf.Variable> = {};
  const add = <R extends tf.Rank>(name: string, init: tf.Tensor<R>): tf.Variable<R> => {
    const variable = tf.variable(init, true);
    init.dispose(); // the variable holds its own reference to the data
    named[name] = variable;
    return variable;
  };
  const normal = (name: string, shape: [number, number], std: number): tf.Variable<tf.Rank.R2> =>
    add(
      name,
      tf.randomNormal(shape, 0, std, 'float32', normalSeed(mixSeed(seed, Object.keys(named).length))),
    );
  const normParams = (name: string): NormParams => {
    const weight = add(`${name}.weight`, tf.ones([config.dModel]) as tf.Tensor1D);
    if (config.norm === 'rmsnorm') return { weight };
    return { weight, bias: add(`${name}.bias`, tf.zeros([config.dModel]) as tf.Tensor1D) };
  };

  const d = config.dModel;
  const hidden = config.mlpRatio * d;
  const residualStd = INIT_STD / Math.sqrt(2 * config.nLayers);
  const blockParams = (name: string): BlockParams => ({
    ln1: normParams(`${name}.ln1`),
    attn: {
      qkv: normal(`${name}.attn.qkv.weight`, [3 * d, d], INIT_STD),
      proj: normal(`${name}.attn.proj.weight`, [d, d], residualStd),
    },
    ln2: normParams(`${name}.ln2`),
    mlp: {
      fc: normal(`${name}.mlp.fc.weight`, [hidden, d], INIT_STD),
      proj: normal(`${name}.mlp.proj.weight`, [d, hidden], residualStd),
    },
  });

  const tokEmb = normal('tok_emb.weight', [config.vocabSize, d], INIT_STD);
  const posEmb =
    config.positional === 'learned'
      ? normal('pos_emb.weight', [config.contextLength, d], INIT_STD)
      : undefined;
  const trunkDepth = trunkBlocks(config);
  const blocks = Array.from({ length: trunkDepth }, (_, l) => blockParams(`blocks.${l}`));
  const heads = Array.from(
    { length: config.heads.count },
    (_, i): HeadParams =>
      config.heads.type === 'transformer'
        ? { type: 'transformer', block: blockParams(`heads.${i}`) }
        : { type: 'linear', weight: normal(`heads.${i}.weight`, [d, d], INIT_STD) },
  );
  const lnF = normParams('ln_f');
  const lmHead = config.tieEmbeddings ? undefined : normal('lm_head.weight', [config.vocabSize, d], INIT_STD);
  return { named, tree: { tokEmb, posEmb, blocks, heads, lnF, lmHead } };
}

/** Number of shared trunk blocks: with transformer heads, head 0 is the last of the `nLayers` blocks. */
export function trunkBlocks(config: ModelConfig): number {
  return config.heads.type === 'transformer' ? config.nLayers - 1 : config.nLayers;
}
