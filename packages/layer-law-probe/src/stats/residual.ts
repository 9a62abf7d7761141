import { LayerLawError } from '../errors.js';
import type { FeatureMoments } from './feature-moments.js';
import { LinearFit } from './linear-fit.js';
import type { OutputMoments, TargetMoments } from './target-moments.js';

/** Which regression target: the scalar value (the token id itself, as in the authors' code) or its one-hot code. */
export type TargetVariant = 'id' | 'one-hot';

/** The streamed moments of one sample set: features about the shift x₀ and a target over the same rows. */
export interface SampleSet {
  /** x₀, the point the feature moments are taken about. */
  shift: Float64Array;
  features: FeatureMoments;
  target: TargetMoments;
  /** Per feature, the mean square about x₀ that decides which columns are constant (see `COLUMN_TOLERANCE`). */
  meanSquare: Float64Array;
}

/** The fitted map of a sample set: the linear fit and the output columns it was fitted to, keyed by class. */
export interface FittedSet {
  set: SampleSet;
  fit: LinearFit;
}

/** Fits the features of `set` (one eigendecomposition, shared by every output column and variant). */
export function fitSampleSet(set: SampleSet, field: string): FittedSet {
  if (set.features.count < 2) {
    throw new LayerLawError(
      'DEGENERATE_DATA',
      field,
      `needs at least 2 samples to fit an intercept and a slope (got ${set.features.count}); probe more tokens`,
    );
  }
  return { set, fit: new LinearFit(set.features.covariance(), set.features.dim, set.meanSquare) };
}

function outputs(set: SampleSet, variant: TargetVariant): Map<number, OutputMoments> {
  return variant === 'id' ? new Map([[0, set.target.scalar(set.features)]]) : set.target.oneHot(set.features);
}

function totalVariance(columns: Map<number, OutputMoments>, samples: number, field: string): number {
  let total = 0;
  for (const column of columns.values()) total += column.variance;
  if (!(total > 0)) {
    throw new LayerLawError(
      'DEGENERATE_DATA',
      field,
      `the target never varies over the ${samples} samples, so its variance (the residual's denominator) is 0 and the prediction residual is undefined; probe more varied text`,
    );
  }
  return total;
}

/**
 * In-sample prediction residual PR = Σⱼ(vⱼ − cⱼᵀC⁺cⱼ) / Σⱼ vⱼ over the output columns j (one for the id target,
 * one per class for the one-hot target), i.e. mean squared error of the least-squares fit with an intercept over
 * the target's total variance: 1 − R². Clamped to [0, 1] against roundoff.
 */
export function inSampleResidual(fitted: FittedSet, variant: TargetVariant, field: string): number {
  const columns = outputs(fitted.set, variant);
  const total = totalVariance(columns, fitted.set.features.count, field);
  let explained = 0;
  for (const column of columns.values()) explained += fitted.fit.explained(column.cross);
  return Math.min(1, Math.max(0, (total - explained) / total));
}

/**
 * Held-out prediction residual: the map ŷ = ȳ_F + βᵀ(x − μ_F), β = C_F⁺c_F, fitted on set F, scored on set E:
 *
 *     E_E[(y − ŷ)²] = v_E − 2βᵀc_E + βᵀC_Eβ + (ȳ_E − ȳ_F − βᵀ(μ_E − μ_F))²
 *
 * per output column, summed and divided by E's total target variance. Not clamped above: a fit that transfers
 * worse than predicting E's own mean gives PR > 1. A class seen in only one set has mean, variance and
 * cross-covariance 0 in the other.
 */
export function heldOutResidual(
  fitted: FittedSet,
  evaluation: SampleSet,
  variant: TargetVariant,
  field: string,
): number {
  const fitColumns = outputs(fitted.set, variant);
  const evalColumns = outputs(evaluation, variant);
  const total = totalVariance(evalColumns, evaluation.features.count, field);
  const d = fitted.set.features.dim;
  const evalCov = evaluation.features.covariance();
  const fitMean = absoluteMean(fitted.set);
  const evalMean = absoluteMean(evaluation);
  const meanShift = evalMean.map((m, i) => m - (fitMean[i] as number));
  const absent: OutputMoments = { mean: 0, variance: 0, cross: new Float64Array(d) };
  let squaredError = 0;
  for (const key of new Set([...fitColumns.keys(), ...evalColumns.keys()])) {
    const fit = fitColumns.get(key) ?? absent;
    const evaluated = evalColumns.get(key) ?? absent;
    const beta = fitted.fit.coefficients(fit.cross);
    const bias = evaluated.mean - fit.mean - dot(beta, meanShift);
    squaredError +=
      evaluated.variance - 2 * dot(beta, evaluated.cross) + symmetricQuadratic(evalCov, beta) + bias * bias;
  }
  return Math.max(0, squaredError / total);
}

/** μ = x₀ + s/n. */
function absoluteMean(set: SampleSet): Float64Array {
  const mean = set.features.mean();
  return mean.map((m, i) => m + (set.shift[i] as number));
}

function dot(a: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += (a[i] as number) * (b[i] as number);
  return total;
}

/** βᵀCβ for the symmetric C of which only the lower triangle (row-major) is filled. */
function symmetricQuadratic(lower: Float64Array, beta: Float64Array): number {
  const d = beta.length;
  let total = 0;
  for (let i = 0; i < d; i++) {
    const bi = beta[i] as number;
    if (bi === 0) continue;
    let row = 0;
    for (let j = 0; j < i; j++) row += (lower[i * d + j] as number) * (beta[j] as number);
    total += bi * (2 * row + (lower[i * d + i] as number) * bi);
  }
  return total;
}
