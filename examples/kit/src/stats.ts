import { KitError } from './errors.js';

/** Arithmetic mean `(1/n) Σ xᵢ` of at least one value. */
export function mean(values: readonly number[]): number {
  requireCount(values, 1, 'mean');
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

/**
 * Median of at least one value: the middle value, or the mean of the two middle ones. Timings on a shared machine
 * are summarised by it, so that one slow spell does not move the result.
 */
export function median(values: readonly number[]): number {
  requireCount(values, 1, 'median');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Sample standard deviation `s = √( Σ (xᵢ − x̄)² / (n − 1) )` (Bessel-corrected, as numpy's `std(ddof=1)`), of at
 * least two values: seeds are a sample of the runs one could have made, not the whole population.
 */
export function sampleStd(values: readonly number[]): number {
  requireCount(values, 2, 'sampleStd');
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, x) => sum + (x - m) ** 2, 0) / (values.length - 1));
}

/**
 * Pooled sample standard deviation of two groups,
 * `s_p = √( ((n_a − 1) s_a² + (n_b − 1) s_b²) / (n_a + n_b − 2) )`: the common spread assumed by a two-sample
 * comparison. A group of one value contributes no spread but still counts in `n`; together the groups need at
 * least three values.
 */
export function pooledStd(a: readonly number[], b: readonly number[]): number {
  requireCount(a, 1, 'pooledStd (first group)');
  requireCount(b, 1, 'pooledStd (second group)');
  if (a.length + b.length < 3) {
    throw new KitError('INVALID_ARGUMENT', 'pooledStd', 'needs at least three values across both groups');
  }
  const squares = (xs: readonly number[]) => (xs.length < 2 ? 0 : (xs.length - 1) * sampleStd(xs) ** 2);
  return Math.sqrt((squares(a) + squares(b)) / (a.length + b.length - 2));
}

/** Welch's two-sample t statistic and its Welch–Satterthwaite degrees of freedom. */
export interface WelchT {
  /** `t = (x̄_b − x̄_a) / √(s_a²/n_a + s_b²/n_b)`; ±Infinity when both groups have zero spread and means differ. */
  t: number;
  /** `ν = (s_a²/n_a + s_b²/n_b)² / ( (s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1) )`; NaN with zero spread. */
  df: number;
}

/**
 * Welch's t for `b` against `a` (positive when `b`'s mean is larger), which does not assume equal variances.
 * Each group needs at least two values. No p-value: with three to five seeds it would suggest more precision
 * than the experiment has; the verdicts use {@link compareConditions}' stated rule instead.
 */
export function welchT(a: readonly number[], b: readonly number[]): WelchT {
  requireCount(a, 2, 'welchT (first group)');
  requireCount(b, 2, 'welchT (second group)');
  const va = sampleStd(a) ** 2 / a.length;
  const vb = sampleStd(b) ** 2 / b.length;
  const difference = mean(b) - mean(a);
  const se = Math.sqrt(va + vb);
  const t = se === 0 ? (difference === 0 ? Number.NaN : Math.sign(difference) * Infinity) : difference / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { t, df };
}

/**
 * Pearson's correlation coefficient of paired values,
 * `r = Σ (xᵢ − x̄)(yᵢ − ȳ) / √( Σ (xᵢ − x̄)² · Σ (yᵢ − ȳ)² )`, for at least two pairs; NaN when either side is
 * constant (the correlation is undefined there, and a verdict should call that inconclusive).
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  requireCount(xs, 2, 'pearson');
  if (ys.length !== xs.length) {
    throw new KitError(
      'INVALID_ARGUMENT',
      'pearson',
      `needs as many y values as x values (${xs.length}), got ${ys.length}`,
    );
  }
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  for (const [i, x] of xs.entries()) {
    const [dx, dy] = [x - mx, (ys[i] as number) - my];
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Mean, sample std and count of one group of values, as shown in the results tables. */
export interface ValueSummary {
  /** Number of values (seeds). */
  n: number;
  /** Their mean. */
  mean: number;
  /** Their sample standard deviation, or null for a single value. */
  std: number | null;
}

/** {@link mean} and {@link sampleStd} of at least one value; `std` is null when there is only one. */
export function summarizeValues(values: readonly number[]): ValueSummary {
  return { n: values.length, mean: mean(values), std: values.length < 2 ? null : sampleStd(values) };
}

function requireCount(values: readonly number[], count: number, name: string): void {
  if (values.length < count) {
    throw new KitError(
      'INVALID_ARGUMENT',
      name,
      `needs at least ${count} value${count === 1 ? '' : 's'}, got ${values.length}`,
    );
  }
}
