import {
  compareConditions,
  formatNumber,
  type Json,
  mean,
  type PlotSpec,
  type RunResult,
  type Summary,
  sampleStd,
  type Verdict,
} from '@beyond-ntp-examples/kit';
import { conditionName, HEADS } from './plan.js';
import { IN_DOMAIN, OUT_OF_DOMAIN } from './task.js';

const NTP = conditionName(1);
const LARGER = conditionName(1, true);

/**
 * A multi-token model against the next-token model on a metric, by the kit's rule: better in every one of ≥ 3
 * paired seeds and by more than 1 pooled sample std → reproduced; the reverse → not reproduced; else inconclusive.
 */
function compare(results: RunResult<Json>[], treatment: string, metric: string, baseline = NTP): Verdict {
  return compareConditions({
    results,
    metric,
    baseline,
    treatment,
    higherIsBetter: true,
    label: `${treatment} vs ${baseline}, ${metric}`,
  });
}

/**
 * The headline, fixed before any result: the 2-token model against the next-token model on in-domain exact match.
 * Checks: n=2 out of domain, n=4 in and out of domain, and (when run) n=2 against the 3× larger next-token model.
 */
export function summarize(args: { results: RunResult<Json>[] }): Summary {
  const { results } = args;
  const ran = new Set(results.map((r) => r.condition));
  const checks = [
    compare(results, conditionName(2), 'outOfDomain'),
    compare(results, conditionName(4), 'inDomain'),
    compare(results, conditionName(4), 'outOfDomain'),
    compare(results, conditionName(2), 'inDomainDigits'),
    compare(results, conditionName(4), 'inDomainDigits'),
  ];
  if (ran.has(LARGER)) {
    checks.push(
      compare(results, conditionName(2), 'inDomain', LARGER),
      compare(results, conditionName(2), 'outOfDomain', LARGER),
    );
  }
  const conditions = [...HEADS.map((h) => conditionName(h)), ...(ran.has(LARGER) ? [LARGER] : [])];
  return {
    verdict: compare(results, conditionName(2), 'inDomain'),
    checks,
    metrics: [
      'inDomain',
      'outOfDomain',
      'inDomainDigits',
      ...[...IN_DOMAIN, ...OUT_OF_DOMAIN].map((m) => `m${m}`),
    ],
    plots: plots(conditions),
    notes: [directionNote(results, 'inDomain'), directionNote(results, 'outOfDomain')].join('\n\n'),
  };
}

function plots(conditions: string[]): PlotSpec[] {
  const curve = (curve: string, title: string, yTitle: string): PlotSpec => ({
    kind: 'curves',
    file: `${curve}.svg`,
    curve,
    conditions,
    title,
    yTitle,
  });
  return [
    curve('inDomain', 'held-out exact match, m = 1..5 (the training range)', 'exact match'),
    curve('outOfDomain', 'held-out exact match, m = 6..10', 'exact match'),
    curve('inDomainDigits', 'held-out answer coefficients right, m = 1..5', 'coefficient accuracy'),
    curve('loss', 'training loss (sum over heads)', 'loss'),
    {
      kind: 'comparison',
      file: 'final-in-domain.svg',
      metric: 'inDomain',
      conditions,
      title: 'final exact match, m ≤ 5',
    },
    {
      kind: 'comparison',
      file: 'final-out-of-domain.svg',
      metric: 'outOfDomain',
      conditions,
      title: 'final exact match, m > 5',
    },
  ];
}

/** One computed sentence per metric: every condition's mean ± std and each multi-token model's paired gain. */
function directionNote(results: readonly RunResult<Json>[], metric: string): string {
  const values = (condition: string) => results.filter((r) => r.condition === condition);
  const ntp = new Map(values(NTP).map((r) => [r.seed, r.metrics[metric] as number]));
  if (ntp.size === 0) return '';
  const stat = (condition: string) => {
    const v = values(condition).map((r) => r.metrics[metric] as number);
    return v.length === 0
      ? 'not run'
      : `${formatNumber(mean(v))} ± ${v.length > 1 ? formatNumber(sampleStd(v)) : '–'}`;
  };
  const gains = HEADS.slice(1).map((heads) => {
    const paired = values(conditionName(heads)).filter((r) => ntp.has(r.seed));
    const diffs = paired.map((r) => (r.metrics[metric] as number) - (ntp.get(r.seed) as number));
    const gain = diffs.length === 0 ? Number.NaN : mean(diffs);
    const wins = diffs.filter((d) => d > 0).length;
    const sign = gain >= 0 ? '+' : '−';
    return `n=${heads} − n=1 = ${sign}${formatNumber(Math.abs(gain))} (ahead in ${wins} of ${diffs.length} seeds)`;
  });
  const all = [...HEADS.map((h) => conditionName(h)), LARGER].map((c) => `${c} ${stat(c)}`).join(', ');
  return `**${metric}** (mean ± sample std): ${all}. Paired: ${gains.join('; ')}.`;
}
