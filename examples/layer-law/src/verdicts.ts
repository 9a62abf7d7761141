import {
  formatNumber,
  type Json,
  type Outcome,
  type RunResult,
  type Verdict,
} from '@beyond-ntp-examples/kit';

/** r at the last checkpoint must be below this in every seed for the law to count as reproduced. */
export const LAW_R_THRESHOLD = -0.9;

/** Fewest seeds for any outcome other than inconclusive. */
export const MIN_SEEDS = 3;

type Results = readonly Pick<RunResult<Json>, 'condition' | 'seed' | 'metrics'>[];

/** The condition's runs by seed, ascending. */
function runsOf(results: Results, condition: string) {
  return results.filter((r) => r.condition === condition).sort((a, b) => a.seed - b.seed);
}

/** Reproduced when the rule holds in every one of ≥ MIN_SEEDS seeds, not reproduced when it holds in none. */
function everySeed(holds: readonly boolean[]): Outcome {
  if (holds.length < MIN_SEEDS) return 'inconclusive';
  if (holds.every(Boolean)) return 'reproduced';
  return holds.some(Boolean) ? 'inconclusive' : 'not reproduced';
}

const shown = (value: number | undefined) => (value === undefined ? 'undefined' : formatNumber(value));

/**
 * "The trained model follows the law": r(l, ln PR_l) at the last checkpoint (metric `metric`, default `rFinal`) is
 * below {@link LAW_R_THRESHOLD} in every one of ≥ {@link MIN_SEEDS} seeds → reproduced; at or above it (or
 * undefined, for a degenerate fit) in every seed → not reproduced; anything else (mixed seeds, too few) →
 * inconclusive.
 */
export function lawVerdict(args: {
  results: Results;
  condition: string;
  metric?: string;
  label?: string;
}): Verdict {
  const { results, condition, metric = 'rFinal', label } = args;
  const runs = runsOf(results, condition);
  const values = runs.map((r) => r.metrics[metric]);
  const holds = values.map((v) => v !== undefined && v < LAW_R_THRESHOLD);
  const criterion =
    `${condition}: ${metric} < ${LAW_R_THRESHOLD} in every seed, with at least ${MIN_SEEDS} seeds → reproduced; ` +
    `${metric} ≥ ${LAW_R_THRESHOLD} (or undefined) in every seed → not reproduced; anything else → inconclusive.`;
  const evidence =
    runs.length === 0
      ? `no finished run of ${condition} yet`
      : `${metric} by seed: ${runs.map((r, i) => `seed ${r.seed} ${shown(values[i])}`).join(', ')} ` +
        `(${holds.filter(Boolean).length} of ${runs.length} below ${LAW_R_THRESHOLD})`;
  const outcome = everySeed(holds);
  return { outcome, criterion, evidence, ...(label === undefined ? {} : { label }) };
}

/**
 * The calibration's robust signal, "the sign of r flips from initialisation to trained": r at step 0 (`rStep0`) > 0
 * and r at the last checkpoint (`rFinal`) < 0 in every one of ≥ {@link MIN_SEEDS} seeds → reproduced; in no seed
 * → not reproduced; anything else → inconclusive.
 */
export function signFlipVerdict(args: { results: Results; condition: string; label?: string }): Verdict {
  const { results, condition, label } = args;
  const runs = runsOf(results, condition);
  const flips = runs.map((r) => {
    const initial = r.metrics.rStep0;
    const final = r.metrics.rFinal;
    return initial !== undefined && final !== undefined && initial > 0 && final < 0;
  });
  const criterion =
    `${condition}: r at step 0 > 0 and r at the last step < 0 in every seed, with at least ${MIN_SEEDS} seeds → ` +
    'reproduced; in no seed → not reproduced; anything else → inconclusive.';
  const evidence =
    runs.length === 0
      ? `no finished run of ${condition} yet`
      : `r at step 0 → last step by seed: ${runs
          .map((r) => `seed ${r.seed} ${shown(r.metrics.rStep0)} → ${shown(r.metrics.rFinal)}`)
          .join(', ')} (${flips.filter(Boolean).length} of ${runs.length} flip)`;
  const outcome = everySeed(flips);
  return { outcome, criterion, evidence, ...(label === undefined ? {} : { label }) };
}
