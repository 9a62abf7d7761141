import { invalidOption } from '../errors.js';
import { type EstimatorChoice, resolveEstimator } from '../estimators/estimator.js';
import { InformationEstimate } from '../estimators/information.js';
import { combineTokenScores, sourceScore, tokenScores } from './source-definition.js';
import { encodeTargets, type TargetData, type TargetSample } from './target-data.js';

/** Samples as given by the caller, or already encoded by {@link encodeTargets} (which also takes weights). */
export type TargetDataInput = TargetData | readonly TargetSample[];

/** Options of {@link miTable}. */
export interface MiTableOptions {
  /** The samples. */
  data: TargetDataInput;
  /**
   * How entropies are estimated; recorded in the table.
   * @default 'plug-in'
   */
  estimator?: EstimatorChoice;
}

/** Per-target-position information, in bits, under every source definition. */
export interface MiTable {
  /** Name of the estimator that produced the table. */
  readonly estimator: string;
  /** Number of samples. */
  readonly count: number;
  /** H(tᵢ) for each target position i. */
  readonly targetEntropy: readonly number[];
  /** I(S; tᵢ) with S the whole input (equals H(tᵢ) when the target is a function of the input). */
  readonly whole: readonly number[];
  /** `tokens[i][j]` = I(s_j; tᵢ), one row per target position, one column per source position. */
  readonly tokens: readonly (readonly number[])[];
  /** Σ_j I(s_j; tᵢ). */
  readonly sum: readonly number[];
  /** max_j I(s_j; tᵢ) (0 when sources are empty). */
  readonly max: readonly number[];
}

/** Encodes plain samples; passes encoded data through. */
export function toTargetData(data: TargetDataInput, field = 'data'): TargetData {
  if (Array.isArray(data)) return encodeTargets({ samples: data as readonly TargetSample[] });
  if (typeof data === 'object' && data !== null && Array.isArray((data as TargetData).target)) {
    return data as TargetData;
  }
  throw invalidOption(field, 'must be an array of { source, target } samples or the result of encodeTargets');
}

/** Shorthand: the estimator over `data`'s samples and weights. */
export function estimateOver(data: TargetData, estimator: EstimatorChoice | undefined): InformationEstimate {
  return new InformationEstimate(resolveEstimator(estimator), data.weights, data.count);
}

/**
 * H(tᵢ), I(S; tᵢ), the matrix I(s_j; tᵢ) and its row sums and maxima, for every target position i. Costs
 * one pass over the samples per entropy: L + M + L·M + L joint histograms for L target and M source positions.
 */
export function miTable(options: MiTableOptions): MiTable {
  const data = toTargetData(options.data);
  const estimate = estimateOver(data, options.estimator);
  const targetEntropy: number[] = [];
  const whole: number[] = [];
  const tokens: number[][] = [];
  data.target.forEach((t, i) => {
    targetEntropy.push(estimate.entropyOf([t]));
    whole.push(sourceScore(estimate, data, 'whole', i, []));
    tokens.push(tokenScores(estimate, data, i, []));
  });
  return {
    estimator: estimate.estimator.name,
    count: data.count,
    targetEntropy,
    whole,
    tokens,
    sum: tokens.map((row) => combineTokenScores(row, 'sum')),
    max: tokens.map((row) => combineTokenScores(row, 'max')),
  };
}
