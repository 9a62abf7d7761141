import {
  createModel,
  parameterGroups,
  parseModelConfig,
  setTrainable,
  type TransformerModel,
} from '@beyond-ntp/transformer-core';
import type * as tf from '@tensorflow/tfjs-core';
import { MultiTokenArgumentError } from './errors.js';

/** Weights to start from: a `TransformerModel`, or a checkpoint read by `loadCheckpoint` (`{ config, params }`). */
export interface BaseWeights {
  /** The model config (validated again here). */
  config: unknown;
  /** Every weight of that config by checkpoint name. */
  params: Record<string, tf.Tensor>;
}

/** Options of {@link addHeads}. */
export interface AddHeadsOptions {
  /** The trained model (usually a next-token model, one head) or its loaded checkpoint; it is not changed. */
  base: BaseWeights;
  /** Heads of the new model, more than the base has (at most 64, the config limit). */
  count: number;
  /**
   * How the new heads start: `random` draws them as `createModel` would with `seed`; `copy` starts each as a
   * copy of head 0 (the trained next-token head).
   * @default 'random'
   */
  init?: 'random' | 'copy';
  /**
   * Seed of the new heads' weights (with `random`) and of the new model's dropout stream.
   * @default 0
   */
  seed?: number;
}

/** Result of {@link addHeads}. The caller owns (and disposes) the model. */
export interface AddedHeads {
  /** The base model with `count` heads: the base's weights copied in and frozen, the new heads trainable. */
  model: TransformerModel;
  /** Indices of the new heads, the only trainable weights: train them with `heads: newHeads`. */
  newHeads: number[];
  /** Names of the frozen weights: every weight of the base (trunk, shared ends, the base's heads). */
  frozen: string[];
}

/**
 * The paper's route for adding heads to a trained next-token model (Gloeckle et al. 2024, where such heads serve
 * self-speculative decoding): builds a model of the base's config with `count` heads, copies every weight of the
 * base into it (trunk, embeddings, final norm, unembedding and the base's heads), and freezes those with
 * `setTrainable`, so that training — with {@link multiTokenGradients} or {@link multiTokenLossFn} over
 * `heads: newHeads` — changes only the new heads and the next-token model stays bit-identical.
 *
 * @throws {ConfigError} when the base's config is invalid.
 * @throws {MultiTokenArgumentError} for a `count` not above the base's head count, an unknown `init`, or base
 * weights that do not match the config (missing, unknown or mis-shaped names, all listed).
 */
export function addHeads(options: AddHeadsOptions): AddedHeads {
  const { base, count, init = 'random', seed = 0 } = options;
  const config = parseModelConfig(base.config);
  const baseCount = config.heads.count;
  if (!Number.isInteger(count) || count <= baseCount) {
    throw new MultiTokenArgumentError(
      'count',
      `expected an integer above the base's ${baseCount} head(s), got ${count}`,
    );
  }
  if (init !== 'random' && init !== 'copy') {
    throw new MultiTokenArgumentError('init', `expected 'random' or 'copy', got ${String(init)}`);
  }
  const model = createModel({ ...config, heads: { ...config.heads, count } }, { seed });
  try {
    const newHeads = Array.from({ length: count - baseCount }, (_, k) => baseCount + k);
    const frozen = Object.keys(model.params).filter((name) => !newHeads.some((k) => isOfHead(name, k)));
    checkBaseWeights(base.params, model, frozen);
    for (const name of frozen) (model.params[name] as tf.Variable).assign(base.params[name] as tf.Tensor);
    if (init === 'copy') {
      for (const name of parameterGroups(model).heads[0] ?? []) {
        for (const k of newHeads) {
          (model.params[name.replace(/^heads\.0\./, `heads.${k}.`)] as tf.Variable).assign(
            model.params[name] as tf.Variable,
          );
        }
      }
    }
    setTrainable({ params: model.params, names: frozen, trainable: false });
    return { model, newHeads, frozen };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function isOfHead(name: string, head: number): boolean {
  return name.startsWith(`heads.${head}.`);
}

// The base must hold exactly the weights the new model shares with it, each of the same shape and dtype.
function checkBaseWeights(
  params: Record<string, tf.Tensor>,
  model: TransformerModel,
  shared: string[],
): void {
  const problems: string[] = [];
  for (const name of shared) {
    const t = params[name];
    const want = model.params[name] as tf.Variable;
    if (t === undefined) problems.push(`missing "${name}" [${want.shape}]`);
    else if (t.dtype !== 'float32' || t.shape.join() !== want.shape.join()) {
      problems.push(`"${name}" is ${t.dtype} [${t.shape}], expected float32 [${want.shape}]`);
    }
  }
  for (const name of Object.keys(params)) {
    if (!shared.includes(name)) problems.push(`unknown "${name}" (not a weight of the base's config)`);
  }
  if (problems.length > 0) {
    throw new MultiTokenArgumentError(
      'base.params',
      `do not match the base's config: ${problems.join('; ')}`,
    );
  }
}
