import type { TransformerModel } from '@beyond-ntp/transformer-core';
import type { HeadArrangement } from './arrangement.js';
import { MultiTokenArgumentError } from './errors.js';

/**
 * What the n-token loss is computed over: a model, which of its heads, their weights and the padding id. Shared
 * by {@link multiTokenLossFn}, {@link multiTokenGradients} and {@link multiTokenMetrics}, so the training paths
 * and the metrics always score the same thing.
 */
export interface MultiTokenObjective {
  /** The model; its head i predicts the token i + 1 positions ahead. */
  model: TransformerModel;
  /**
   * Heads whose losses are summed, each at most once, in any order.
   * @default every head of the model, `[0, 1, …, heads.count − 1]`
   */
  heads?: number[];
  /**
   * Weight of each head's loss, `weights[j]` for `heads[j]`: finite and ≥ 0.
   * @default 1 for every head (the paper's plain sum)
   */
  weights?: number[];
  /** Targets equal to this token id are not scored (padding). An id of the model's vocabulary. */
  padId?: number;
  /**
   * How the heads are wired: `parallel` (the paper's default), or the `causal` / `anticausal` chains of its
   * appendix B, which need every head of the model in `heads`.
   * @default 'parallel'
   */
  arrangement?: HeadArrangement;
}

/** A checked {@link MultiTokenObjective} with its defaults filled in. */
export interface ResolvedObjective {
  model: TransformerModel;
  heads: number[];
  weights: number[];
  padId: number | undefined;
  arrangement: HeadArrangement;
}

/**
 * Checks an objective against its model and fills in the defaults.
 *
 * @throws {MultiTokenArgumentError} naming `heads`, `weights`, `padId` or `arrangement`.
 */
export function resolveObjective(objective: MultiTokenObjective): ResolvedObjective {
  const { model } = objective;
  const count = model.config.heads.count;
  const heads = objective.heads ?? Array.from({ length: count }, (_, i) => i);
  checkHeads(heads, count);
  const weights = checkWeights(objective.weights, heads.length);
  checkPadId(objective.padId, model.config.vocabSize);
  const arrangement = objective.arrangement ?? 'parallel';
  if (!['parallel', 'causal', 'anticausal'].includes(arrangement)) {
    throw new MultiTokenArgumentError(
      'arrangement',
      `expected 'parallel', 'causal' or 'anticausal', got ${String(arrangement)}`,
    );
  }
  if (arrangement !== 'parallel' && heads.length !== count) {
    throw new MultiTokenArgumentError(
      'heads',
      `the ${arrangement} arrangement chains every head, so heads must list all ${count} (weight a head 0 to leave its loss out)`,
    );
  }
  return { model, heads, weights, padId: objective.padId, arrangement };
}

/** Checks a non-empty list of distinct head indices in `[0, count)` (any integer ≥ 0 without a count). */
export function checkHeads(heads: unknown, count = Number.POSITIVE_INFINITY): asserts heads is number[] {
  if (!Array.isArray(heads) || heads.length === 0) {
    throw new MultiTokenArgumentError('heads', 'expected a non-empty array of head indices');
  }
  for (const head of heads) {
    if (!Number.isInteger(head) || head < 0 || head >= count) {
      const range = Number.isFinite(count) ? `in [0, ${count}) (the model's heads.count)` : '≥ 0';
      throw new MultiTokenArgumentError('heads', `head ${head} is not an integer ${range}`);
    }
  }
  if (new Set(heads).size !== heads.length) {
    throw new MultiTokenArgumentError('heads', `each head may appear once, got [${heads}]`);
  }
}

/** The per-head weights (1 each when absent), checked: one finite number ≥ 0 per head. */
export function checkWeights(weights: unknown, headCount: number): number[] {
  if (weights === undefined) return Array.from({ length: headCount }, () => 1);
  if (!Array.isArray(weights) || weights.length !== headCount) {
    throw new MultiTokenArgumentError('weights', `expected one weight per head (${headCount})`);
  }
  const bad = weights.find((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0);
  if (bad !== undefined) {
    throw new MultiTokenArgumentError('weights', `weight ${bad} is not a finite number ≥ 0`);
  }
  return weights as number[];
}

/** Checks that a padding id, when given, is a token id of the vocabulary. */
export function checkPadId(padId: unknown, vocabSize: number): void {
  if (padId === undefined) return;
  if (typeof padId !== 'number' || !Number.isInteger(padId) || padId < 0 || padId >= vocabSize) {
    throw new MultiTokenArgumentError(
      'padId',
      `expected a token id, an integer in [0, ${vocabSize}), got ${String(padId)}`,
    );
  }
}
