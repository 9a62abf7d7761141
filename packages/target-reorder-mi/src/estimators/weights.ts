import { invalidOption } from '../errors.js';

/** Validated per-sample weights, with what the estimators need precomputed. */
export interface SampleWeights {
  /** One weight per sample. */
  readonly values: Float64Array;
  /** Their sum. */
  readonly total: number;
  /** `total` when every weight is an integer (weights are multiplicities), else `null`. */
  readonly sampleCount: number | null;
}

/**
 * Checks optional per-sample weights against `samples`: one finite, non-negative number each, not all zero.
 * Returns `null` when there are none (every sample counts once).
 */
export function prepareWeights(
  weights: ArrayLike<number> | null | undefined,
  samples: number,
  field = 'weights',
): SampleWeights | null {
  if (weights === undefined || weights === null) return null;
  if (typeof weights !== 'object' || typeof weights.length !== 'number') {
    throw invalidOption(field, 'must be an array with one non-negative number per sample');
  }
  if (weights.length !== samples) {
    throw invalidOption(field, `has ${weights.length} entries but there are ${samples} samples`);
  }
  const values = new Float64Array(samples);
  let total = 0;
  let integers = true;
  for (let k = 0; k < samples; k++) {
    const w = weights[k] as number;
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw invalidOption(`${field}[${k}]`, `must be a finite number >= 0 (got ${String(w)})`);
    }
    values[k] = w;
    total += w;
    if (integers && !Number.isInteger(w)) integers = false;
  }
  if (!(total > 0)) throw invalidOption(field, 'must not all be zero');
  return { values, total, sampleCount: integers ? total : null };
}
