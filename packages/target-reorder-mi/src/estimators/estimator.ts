import { invalidOption, shown } from '../errors.js';

/** Counts (or weights) of the occupied bins of one variable: what an {@link EntropyEstimator} sees. */
export interface Histogram {
  /** Weight of each bin; bins of weight 0 are empty and must be ignored. */
  readonly counts: ArrayLike<number>;
  /** Sum of `counts` (> 0). */
  readonly total: number;
  /**
   * Number of samples behind the histogram when the weights are counts (no weights, or integer
   * multiplicities); `null` when the weights are probabilities or other non-integer weights.
   */
  readonly sampleCount: number | null;
}

/**
 * Turns a histogram into an entropy in bits. Mutual information and conditional MI are sums of entropies of
 * joint variables, so one estimator defines them all. Implement this to plug in another estimator (NSB,
 * jackknife, …); the `name` is recorded in every order it produces.
 */
export interface EntropyEstimator {
  /** Short name recorded with every table and order computed with it, e.g. `'miller-madow'`. */
  readonly name: string;
  /** Entropy in bits of the distribution behind `histogram`. */
  entropy(histogram: Histogram): number;
}

/** Names of the built-in estimators. */
export type EstimatorName = 'plug-in' | 'miller-madow' | 'exact';

/** An estimator option: a built-in name or any {@link EntropyEstimator}. */
export type EstimatorChoice = EstimatorName | EntropyEstimator;

/** Plug-in entropy of the normalised histogram: H = −Σ p log₂ p with p = count / total. */
function plugInEntropy({ counts, total }: Histogram): number {
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (c > 0) h -= c * Math.log2(c / total);
  }
  return h / total;
}

/**
 * Plug-in (maximum-likelihood) entropy, −Σ p̂ log₂ p̂ with p̂ the observed frequencies. Biased low on finite
 * samples (by about (m − 1) / (2N) nats for m occupied bins); accepts any non-negative weights.
 */
export const plugInEstimator: EntropyEstimator = { name: 'plug-in', entropy: plugInEntropy };

/**
 * Miller–Madow: the plug-in entropy plus the first-order bias term (m̂ − 1) / (2N) nats, i.e.
 *
 *     H_MM = H_plugin + (m̂ − 1) / (2 N ln 2)   bits,
 *
 * with m̂ the number of occupied bins and N the number of samples. N must be a sample count, so weights, if
 * any, must be integer multiplicities.
 */
export const millerMadowEstimator: EntropyEstimator = {
  name: 'miller-madow',
  entropy(histogram) {
    const n = histogram.sampleCount;
    if (n === null) {
      throw invalidOption(
        'estimator',
        "'miller-madow' needs a sample count, so `weights` must be integer multiplicities; use 'exact' for a " +
          "probability-weighted full grid or 'plug-in' for other weights",
      );
    }
    let occupied = 0;
    for (let i = 0; i < histogram.counts.length; i++) if ((histogram.counts[i] as number) > 0) occupied++;
    return plugInEntropy(histogram) + (occupied - 1) / (2 * n * Math.LN2);
  },
};

/**
 * The samples *are* the distribution: the caller enumerated every outcome (a full operand grid, say), with
 * weights proportional to their probabilities or none for a uniform grid. The value is the plug-in formula,
 * which is then exact; the distinct name records that no sampling was involved.
 */
export const exactEstimator: EntropyEstimator = { name: 'exact', entropy: plugInEntropy };

/** The built-in estimators by name. */
export const estimators: Readonly<Record<EstimatorName, EntropyEstimator>> = {
  'plug-in': plugInEstimator,
  'miller-madow': millerMadowEstimator,
  exact: exactEstimator,
};

/** Resolves an estimator option (default `'plug-in'`), naming `field` when it is neither a name nor an estimator. */
export function resolveEstimator(choice: EstimatorChoice | undefined, field = 'estimator'): EntropyEstimator {
  if (choice === undefined) return plugInEstimator;
  if (typeof choice === 'string' && Object.hasOwn(estimators, choice)) return estimators[choice];
  if (
    typeof choice === 'object' &&
    choice !== null &&
    typeof choice.name === 'string' &&
    typeof choice.entropy === 'function'
  ) {
    return choice;
  }
  throw invalidOption(
    field,
    `must be 'plug-in', 'miller-madow', 'exact' or an object { name, entropy(histogram) } (got ${shown(choice)})`,
  );
}
