import { invalidInput } from './errors.js';

/** Options of {@link fitLayerLaw}. */
export interface LayerLawFitOptions {
  /** Prediction residual of each fitted layer, in layer order: finite and ≥ 0. */
  pr: readonly number[];
  /**
   * The layer index l of each entry of `pr`: distinct finite numbers.
   * @default 1, 2, …, pr.length (the authors drop the embedding output, layer 0)
   */
  layers?: readonly number[];
}

/**
 * Why a fit has no slope or correlation:
 * - `single-layer`: one layer, so no line;
 * - `zero-pr`: some PR is 0 (a perfect in-sample fit, e.g. fewer samples than features), whose log is −∞;
 * - `constant-pr`: every PR is equal, so the line is flat (slope 0, ρ = 1) and the correlation undefined.
 */
export type LayerLawDegeneracy = 'single-layer' | 'zero-pr' | 'constant-pr';

/**
 * The equi-learning law PR_l ≈ PR_first · ρ^(l − first) fitted by least squares of ln PR_l against l. JSON-ready:
 * quantities a degenerate input leaves undefined are `null` (never NaN), and `degenerate` says why.
 */
export interface LayerLawFit {
  /** The layer indices fitted. */
  layers: number[];
  /** The prediction residuals fitted. */
  pr: number[];
  /** d ln PR / dl, the least-squares slope (ln ρ). For log10 PR, as the authors' code prints, divide by ln 10. */
  slope: number | null;
  /** ρ = e^slope, the factor by which each layer multiplies PR. */
  rho: number | null;
  /** The fitted ln PR at the first fitted layer (so e^intercept is the fitted PR_first). */
  intercept: number | null;
  /** Pearson correlation of l and ln PR (the same for any log base); the paper reports about −0.98 to −0.997. */
  r: number | null;
  /** Coefficient of determination of the line, 1 − SSE/SST (equal to r² for a least-squares line). */
  r2: number | null;
  /** PR_last / PR_first, the reduction over the fitted layers ("overall ratio"). */
  ratio: number | null;
  /** Why some fields are `null`, or `null` for a regular fit. */
  degenerate: LayerLawDegeneracy | null;
}

/**
 * Fits ln PR_l = intercept + slope·(l − l_first) by ordinary least squares, as the authors' code fits log10 PR
 * against l − 1: slope, ρ = e^slope, Pearson r, R² and the overall ratio PR_last/PR_first. Degenerate inputs (one
 * layer, a zero PR, a constant PR) give `null` where a quantity is undefined and name the reason in `degenerate`.
 *
 * @throws {LayerLawError} `INVALID_INPUT` when `pr` is empty or holds a negative or non-finite value, or `layers`
 *   does not match it.
 */
export function fitLayerLaw(options: LayerLawFitOptions): LayerLawFit {
  const pr = [...options.pr];
  if (pr.length === 0) throw invalidInput('pr', 'must hold the residual of at least one layer (got [])');
  pr.forEach((value, i) => {
    if (!Number.isFinite(value) || value < 0) {
      throw invalidInput(`pr[${i}]`, `a prediction residual must be a finite number ≥ 0 (got ${value})`);
    }
  });
  const layers = options.layers === undefined ? pr.map((_, i) => i + 1) : [...options.layers];
  if (layers.length !== pr.length) {
    throw invalidInput(
      'layers',
      `must give one layer index per PR value (${pr.length}; got ${layers.length})`,
    );
  }
  layers.forEach((l, i) => {
    if (!Number.isFinite(l)) throw invalidInput(`layers[${i}]`, `must be a finite number (got ${l})`);
  });
  if (new Set(layers).size !== layers.length)
    throw invalidInput('layers', `must be distinct (got [${layers}])`);

  const first = pr[0] as number;
  const last = pr[pr.length - 1] as number;
  const ratio = first > 0 ? last / first : null;
  const none = { slope: null, rho: null, r: null, r2: null };
  if (pr.length === 1) {
    return {
      layers,
      pr,
      ...none,
      intercept: first > 0 ? Math.log(first) : null,
      ratio,
      degenerate: 'single-layer',
    };
  }
  if (pr.some((value) => value === 0))
    return { layers, pr, ...none, intercept: null, ratio, degenerate: 'zero-pr' };

  const x = layers.map((l) => l - (layers[0] as number));
  const y = pr.map(Math.log);
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    const dx = xi - mx;
    const dy = (y[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  });
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (syy === 0)
    return { layers, pr, slope: 0, rho: 1, intercept, r: null, r2: null, ratio, degenerate: 'constant-pr' };
  const sse = y.reduce((s, yi, i) => s + (yi - intercept - slope * (x[i] as number)) ** 2, 0);
  return {
    layers,
    pr,
    slope,
    rho: Math.exp(slope),
    intercept,
    r: sxy / Math.sqrt(sxx * syy),
    r2: 1 - sse / syy,
    ratio,
    degenerate: null,
  };
}
