import {
  compareConditions,
  formatNumber,
  type Json,
  type Mode,
  mean,
  type PlotSpec,
  type RunResult,
  type Summary,
  sampleStd,
  type Verdict,
} from '@beyond-ntp-examples/kit';
import { conditionName, type ModelSize, sizesOf } from './plan.js';

/**
 * The comparison fixed before any result was seen: the 2-token model against the parameter-matched next-token
 * model on held-out induction accuracy (second name token at repeat mentions), at `size`. The kit's rule: better
 * in every one of ≥ 3 paired seeds and by more than 1 pooled sample std → reproduced; the reverse → not
 * reproduced; anything else → inconclusive.
 */
function compareAt(results: RunResult<Json>[], size: ModelSize, metric = 'induction'): Verdict {
  return compareConditions({
    results,
    metric,
    baseline: conditionName(1, size),
    treatment: conditionName(2, size),
    higherIsBetter: metric !== 'heldOutLoss',
    label: `d=${size.dModel}: n=2 vs n=1, ${metric}`,
  });
}

/** Verdicts, tables, plots and notes of the finished runs. The headline is the largest size of the mode. */
export function summarize(args: { results: RunResult<Json>[]; mode: Mode }): Summary {
  const { results, mode } = args;
  const sizes = sizesOf(mode);
  const headline = sizes.at(-1) as ModelSize;
  const checks = [
    ...sizes.filter((s) => s !== headline).map((s) => compareAt(results, s)),
    ...sizes.map((s) => compareAt(results, s, 'heldOutLoss')),
  ];
  return {
    verdict: compareAt(results, headline),
    checks,
    metrics: ['induction', 'nextToken', 'heldOutLoss', 'head1Accuracy'],
    plots: sizes.flatMap((size) => plotsFor(size)),
    notes: sizes.map((size) => directionNote(results, size)).join('\n\n'),
  };
}

function plotsFor(size: ModelSize): PlotSpec[] {
  const conditions = [conditionName(1, size), conditionName(2, size)];
  const d = `d${size.dModel}`;
  return [
    {
      kind: 'curves',
      file: `${d}-induction.svg`,
      curve: 'induction',
      conditions,
      title: `d=${size.dModel}: held-out accuracy on the second name token at repeat mentions`,
      yTitle: 'induction accuracy',
    },
    {
      kind: 'curves',
      file: `${d}-held-out-loss.svg`,
      curve: 'heldOutLoss',
      conditions,
      title: `d=${size.dModel}: held-out next-token loss`,
      yTitle: 'cross-entropy',
    },
    {
      kind: 'comparison',
      file: `${d}-final-induction.svg`,
      metric: 'induction',
      conditions,
      title: `d=${size.dModel}: final induction accuracy`,
    },
  ];
}

/** One computed sentence per size: the two conditions' induction accuracy and the paired difference. */
function directionNote(results: readonly RunResult<Json>[], size: ModelSize): string {
  const of = (heads: number) => results.filter((r) => r.condition === conditionName(heads, size));
  const [ntp, mtp] = [of(1), of(2)];
  const ntpBySeed = new Map(ntp.map((r) => [r.seed, r.metrics.induction as number]));
  const diffs = mtp
    .filter((r) => ntpBySeed.has(r.seed))
    .map((r) => (r.metrics.induction as number) - (ntpBySeed.get(r.seed) as number));
  if (diffs.length === 0) return '';
  const stat = (runs: RunResult<Json>[]) => {
    const values = runs.map((r) => r.metrics.induction as number);
    return `${formatNumber(mean(values))} ± ${formatNumber(values.length > 1 ? sampleStd(values) : Number.NaN)}`;
  };
  const gain = mean(diffs);
  const wins = diffs.filter((d) => d > 0).length;
  const steps = (ntp[0] ?? mtp[0])?.units ?? 0;
  return (
    `**d=${size.dModel}, ${steps} steps:** induction accuracy n=2 ${stat(mtp)} vs n=1 ${stat(ntp)} ` +
    `(mean ± sample std); n=2 − n=1 = ${gain >= 0 ? '+' : '−'}${formatNumber(Math.abs(gain))} ` +
    `(mean of ${diffs.length} paired seeds, n=2 ahead in ${wins}); by the stated rule: ` +
    `${compareAt([...results], size).outcome}. The paper's direction (n=2 ahead) ` +
    `${gain > 0 && wins === diffs.length ? 'showed in every seed' : gain > 0 ? 'showed on average but not in every seed' : 'did not show'}.`
  );
}
