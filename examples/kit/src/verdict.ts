import { KitError } from './errors.js';
import type { RunResult } from './experiment.js';
import { formatNumber } from './format.js';
import { mean, pooledStd, sampleStd, welchT } from './stats.js';

/** The three answers an experiment can give about a paper's claim. */
export type Outcome = 'reproduced' | 'not reproduced' | 'inconclusive';

/** A verdict and how it was reached, shown in `results.md` and stored in `results.json`. */
export interface Verdict {
  /** What the numbers say about the claim. */
  outcome: Outcome;
  /** The rule, in words, that maps the numbers to the outcome. */
  criterion: string;
  /** The numbers the rule was applied to, in words. */
  evidence: string;
  /** Optional heading, e.g. `d=64`, when an experiment reports several verdicts. */
  label?: string;
}

/** Options of {@link compareConditions}. */
export interface ComparisonOptions {
  /** Finished runs; only those of the two conditions are used. */
  results: readonly Pick<RunResult, 'condition' | 'seed' | 'metrics'>[];
  /** The metric compared (a key of each run's `metrics`). */
  metric: string;
  /** The condition the claim says is worse (e.g. next-token prediction). */
  baseline: string;
  /** The condition the claim says is better (e.g. 2-token prediction). */
  treatment: string;
  /** True for accuracies, false for losses. */
  higherIsBetter: boolean;
  /**
   * How many pooled sample standard deviations the mean difference must exceed.
   * @default 1
   */
  margin?: number;
  /**
   * Fewest seeds run under both conditions for any verdict other than inconclusive.
   * @default 3
   */
  minSeeds?: number;
  /** Heading of the verdict. */
  label?: string;
}

/**
 * Judges "`treatment` is better than `baseline` on `metric`" by a rule stated in its `criterion`. Runs are paired
 * by seed (seeds run under only one condition are left out). With `d` the per-seed improvement of the treatment
 * and `s_p` the pooled sample std of the two conditions' values:
 * - **reproduced**: at least `minSeeds` pairs, `d > 0` in every pair, and `mean(d) > margin · s_p`;
 * - **not reproduced**: at least `minSeeds` pairs, `d < 0` in every pair, and `−mean(d) > margin · s_p`
 *   (the baseline is reliably better);
 * - **inconclusive**: anything else (too few seeds, mixed signs, or a difference within the noise).
 *
 * The evidence adds Welch's t for the reader; it is not part of the rule.
 */
export function compareConditions(options: ComparisonOptions): Verdict {
  const { metric, baseline, treatment, higherIsBetter, label } = options;
  const margin = options.margin ?? 1;
  const minSeeds = options.minSeeds ?? 3;
  if (!(margin >= 0) || !Number.isInteger(minSeeds) || minSeeds < 2) {
    throw new KitError(
      'INVALID_ARGUMENT',
      'compareConditions',
      'needs margin ≥ 0 and an integer minSeeds ≥ 2',
    );
  }
  const better = higherIsBetter ? 'higher' : 'lower';
  const criterion =
    `${treatment} beats ${baseline} on ${metric} (${better} is better) in every seed, with at least ${minSeeds} ` +
    `seeds paired by seed, and the mean difference exceeds ${margin} × the pooled sample std → reproduced; ` +
    `${baseline} beats ${treatment} by the same rule → not reproduced; anything else → inconclusive.`;
  const a = valuesBySeed(options.results, baseline, metric);
  const b = valuesBySeed(options.results, treatment, metric);
  const seeds = [...a.keys()].filter((seed) => b.has(seed)).sort((x, y) => x - y);
  const verdict = (outcome: Outcome, evidence: string): Verdict => ({
    outcome,
    criterion,
    evidence,
    ...(label === undefined ? {} : { label }),
  });
  if (seeds.length < minSeeds) {
    return verdict(
      'inconclusive',
      `only ${seeds.length} seed${seeds.length === 1 ? '' : 's'} ran under both ${baseline} and ${treatment}; ` +
        `the criterion needs ${minSeeds}`,
    );
  }
  const xa = seeds.map((seed) => a.get(seed) as number);
  const xb = seeds.map((seed) => b.get(seed) as number);
  const sign = higherIsBetter ? 1 : -1;
  const gains = seeds.map((_, i) => sign * ((xb[i] as number) - (xa[i] as number)));
  const wins = gains.filter((d) => d > 0).length;
  const losses = gains.filter((d) => d < 0).length;
  const meanGain = mean(gains);
  const spread = pooledStd(xa, xb);
  const { t, df } = welchT(xa, xb);
  const evidence =
    `${treatment} ${formatNumber(mean(xb))} ± ${formatNumber(sampleStd(xb))} vs ${baseline} ` +
    `${formatNumber(mean(xa))} ± ${formatNumber(sampleStd(xa))} (mean ± sample std, ${seeds.length} paired seeds); ` +
    `mean improvement ${formatNumber(meanGain)}${relativeToSpread(meanGain, spread)}; ${treatment} better in ` +
    `${wins} of ${seeds.length} seeds, worse in ${losses}; ` +
    (Number.isFinite(t)
      ? `Welch t = ${formatNumber(t)} (df ${formatNumber(df)}).`
      : 'Welch t undefined (no variance).');
  if (wins === seeds.length && meanGain > margin * spread) return verdict('reproduced', evidence);
  if (losses === seeds.length && -meanGain > margin * spread) return verdict('not reproduced', evidence);
  return verdict('inconclusive', evidence);
}

function valuesBySeed(
  results: ComparisonOptions['results'],
  condition: string,
  metric: string,
): Map<number, number> {
  const values = new Map<number, number>();
  for (const result of results) {
    if (result.condition !== condition) continue;
    const value = result.metrics[metric];
    if (typeof value !== 'number') {
      const known = Object.keys(result.metrics).join(', ');
      throw new KitError(
        'INVALID_ARGUMENT',
        'metric',
        `run ${condition} seed ${result.seed} has no "${metric}" (it has ${known})`,
      );
    }
    values.set(result.seed, value);
  }
  return values;
}

// With no spread at all (e.g. every seed scored exactly 0 under both conditions) a ratio to it means nothing.
function relativeToSpread(gain: number, spread: number): string {
  if (spread === 0) return ' with no spread in either condition (pooled std 0)';
  return ` = ${formatNumber(gain / spread)} × the pooled std ${formatNumber(spread)}`;
}
