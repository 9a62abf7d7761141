import { describeValue } from '@beyond-ntp/errors';
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config.js';
import { ModelError } from './errors.js';
import { invalidInput, optionsObject } from './input-checks.js';

/**
 * The names (keys of `model.params`) of a model's weights by the part they belong to. Every name is in exactly
 * one group, in the order of `model.params`.
 */
export interface ParameterGroups {
  /** The shared trunk blocks, `blocks.{l}.*`: every head reads their output. Empty for a 1-layer model with transformer heads. */
  trunk: string[];
  /**
   * `heads[i]` holds head i's own weights, `heads.{i}.*`. With transformer heads, head 0 is the last block of
   * the next-token path (a one-head model's last block is `heads.0.*`, not a trunk block).
   */
  heads: string[][];
  /**
   * Weights of the input and output ends, used by every head's prediction: `tok_emb.weight`, `pos_emb.weight`
   * (learned positions), the final norm `ln_f.*` and `lm_head.weight` (untied embeddings).
   */
  shared: string[];
}

/** What {@link parameterGroups} reads from a model: its config and its named weights. */
export interface NamedModelWeights {
  /** The model's validated config. */
  config: ModelConfig;
  /** The model's weights by checkpoint name. */
  params: Record<string, tf.Variable>;
}

const HEAD_NAME = /^heads\.(\d+)\./;

/**
 * Sorts a model's weight names into the trunk, each head and the shared ends, so a caller can freeze a group
 * ({@link setTrainable}) or differentiate with respect to one (`tf.variableGrads(f, names.map((n) =>
 * model.params[n]))`).
 *
 * @example Add heads to a trained next-token model: train only the new heads.
 * ```ts
 * const groups = parameterGroups(model);
 * setTrainable({ params: model.params, names: [...groups.trunk, ...groups.shared, ...groups.heads[0]], trainable: false });
 * ```
 */
export function parameterGroups(model: NamedModelWeights): ParameterGroups {
  const groups: ParameterGroups = {
    trunk: [],
    heads: Array.from({ length: model.config.heads.count }, () => []),
    shared: [],
  };
  for (const name of Object.keys(model.params)) {
    const head = HEAD_NAME.exec(name);
    if (head !== null) {
      const group = groups.heads[Number(head[1])];
      if (group === undefined) {
        throw new ModelError(
          'WEIGHTS_INVALID',
          `weight "${name}" names a head the config does not have (heads.count = ${model.config.heads.count})`,
        );
      }
      group.push(name);
    } else if (name.startsWith('blocks.')) groups.trunk.push(name);
    else groups.shared.push(name);
  }
  return groups;
}

/** Options of {@link setTrainable}. */
export interface SetTrainableOptions {
  /** The weights by name, e.g. `model.params`. */
  params: Record<string, tf.Variable>;
  /** Which of them to change, e.g. a group of {@link parameterGroups}. */
  names: readonly string[];
  /** `false` freezes them (no gradient, no optimizer update, still saved in checkpoints); `true` unfreezes. */
  trainable: boolean;
}

/**
 * Freezes or unfreezes the named weights by setting their `trainable` flag, which `train`,
 * `accumulateGradients`, `AdamW` and the per-head gradient helpers respect. It may also change during `train`
 * (from a callback): every update reads the flags, and AdamW creates a weight's state at its first gradient, so
 * a head unfrozen mid-run starts its bias correction at t = 1.
 *
 * @throws {ModelError} (code `INPUT_INVALID`) listing every unknown name; nothing is changed in that case.
 */
export function setTrainable(options: SetTrainableOptions): void {
  const { params, names, trainable } = optionsObject(options, 'setTrainable');
  if (typeof params !== 'object' || params === null) {
    invalidInput(`setTrainable: params must be a model's named weights (got ${describeValue(params)})`);
  }
  // Array.from reads holes as undefined, which every() alone would skip.
  if (!Array.isArray(names) || !Array.from(names).every((name) => typeof name === 'string')) {
    invalidInput(`setTrainable: names must be an array of weight names (got ${describeValue(names)})`);
  }
  if (typeof trainable !== 'boolean') {
    invalidInput(`setTrainable: trainable must be true or false (got ${describeValue(trainable)})`);
  }
  const unknown = names.filter((name) => !Object.hasOwn(params, name));
  if (unknown.length > 0) {
    throw new ModelError(
      'INPUT_INVALID',
      `setTrainable: unknown weight names ${unknown.map((n) => `"${n}"`).join(', ')} (see parameterGroups(model))`,
    );
  }
  for (const name of names) (params[name] as tf.Variable).trainable = trainable;
}
