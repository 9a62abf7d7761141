/** Pearson's statistic of observed counts against exact cell probabilities, and its degrees of freedom. */
export interface ChiSquare {
  statistic: number;
  degreesOfFreedom: number;
}

/**
 * Pearson's chi-square of `counts` (n draws in total) against `probabilities`. Cells expected to hold fewer than
 * 5 draws are pooled into one cell (the usual validity condition of the chi-square approximation); cells of
 * probability 0 must be empty, otherwise the statistic is infinite.
 */
export function chiSquare(counts: ArrayLike<number>, probabilities: ArrayLike<number>): ChiSquare {
  const n = Array.from(counts).reduce((a, b) => a + b, 0);
  let statistic = 0;
  let cells = 0;
  let pooledObserved = 0;
  let pooledExpected = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const observed = counts[i] ?? 0;
    const expected = n * (probabilities[i] ?? 0);
    if (expected === 0 && observed > 0) return { statistic: Number.POSITIVE_INFINITY, degreesOfFreedom: 1 };
    if (expected < 5) {
      pooledObserved += observed;
      pooledExpected += expected;
      continue;
    }
    statistic += (observed - expected) ** 2 / expected;
    cells += 1;
  }
  if (pooledExpected > 0) {
    statistic += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
    cells += 1;
  }
  return { statistic, degreesOfFreedom: cells - 1 };
}

/**
 * The chi-square quantile of probability `1 − alpha` (Wilson–Hilferty: `df·(1 − 2/(9df) + z·√(2/(9df)))³`,
 * within 1% of the exact value for df ≥ 5 at the tail probabilities used here).
 */
export function chiSquareCritical(degreesOfFreedom: number, alpha: number): number {
  const z = normalQuantile(1 - alpha);
  const c = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - c + z * Math.sqrt(c)) ** 3;
}

// Standard normal quantile by bisection on the CDF (erf by Abramowitz–Stegun 7.1.26, |error| < 1.5e-7).
function normalQuantile(p: number): number {
  const cdf = (x: number) => {
    const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
    const poly =
      t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    const erf = 1 - poly * Math.exp(-(x * x) / 2);
    return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
  };
  let [lo, hi] = [-10, 10];
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
