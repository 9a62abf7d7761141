import {
  compareConditions,
  formatNumber,
  type Json,
  type Mode,
  mean,
  type Outcome,
  type PlotSpec,
  type RunResult,
  type Summary,
  summarizeValues,
  type Verdict,
} from '@beyond-ntp-examples/kit';
import { tokensPerForwardBound } from './measure.js';
import { HEADS, planFor } from './plan.js';

/** The conditions, in report order. */
export const CONDITIONS = ['joint', 'heads-added'] as const;

/** The headline threshold: tokens per forward at k = 4 (the paper: 3.50 on code, 3.09–3.12 on text). */
export const TPF_THRESHOLD = 3;

const KS = Array.from({ length: HEADS }, (_, i) => i + 1);

/** Options of {@link thresholdVerdict}. */
export interface ThresholdVerdictOptions {
  /** Finished runs. */
  results: readonly Pick<RunResult<Json>, 'condition' | 'seed' | 'metrics'>[];
  /** The condition judged. */
  condition: string;
  /** The metric judged. */
  metric: string;
  /** The claim holds for a seed whose metric is at least this (`strict`: above it). */
  threshold: number;
  /** Compare with `>` and `<=` instead of `>=` and `<`. @default false */
  strict?: boolean;
  /** Heading in `results.md`. */
  label?: string;
}

/**
 * A per-seed threshold rule: every seed on the claim's side of the threshold → reproduced; every seed on the other
 * side → not reproduced; a mix, or no run yet → inconclusive.
 */
export function thresholdVerdict(options: ThresholdVerdictOptions): Verdict {
  const { results, condition, metric, threshold, strict = false, label } = options;
  const values = results
    .filter((r) => r.condition === condition && typeof r.metrics[metric] === 'number')
    .map((r) => r.metrics[metric] as number);
  const holds = (x: number) => (strict ? x > threshold : x >= threshold);
  const passed = values.filter(holds).length;
  const outcome: Outcome =
    values.length === 0
      ? 'inconclusive'
      : passed === values.length
        ? 'reproduced'
        : passed === 0
          ? 'not reproduced'
          : 'inconclusive';
  const side = strict ? '>' : '≥';
  return {
    outcome,
    criterion:
      `${condition}: ${metric} ${side} ${threshold} in every seed → reproduced; ${strict ? '≤' : '<'} ${threshold} ` +
      'in every seed → not reproduced; a mix of seeds, or no finished run → inconclusive.',
    evidence:
      values.length === 0
        ? `no finished ${condition} run yet`
        : `${metric} per seed: ${values.map(formatNumber).join(', ')} (mean ${formatNumber(mean(values))}); ` +
          `${passed} of ${values.length} seeds ${side} ${threshold}.`,
    ...(label === undefined ? {} : { label }),
  };
}

/** Exactness: every speculative output of every run equals greedy decoding, token for token. */
export function exactnessVerdict(results: readonly Pick<RunResult<Json>, 'metrics'>[]): Verdict {
  const mismatches = results.reduce((sum, r) => sum + (r.metrics.mismatches ?? 0), 0);
  const outcome: Outcome =
    results.length === 0 ? 'inconclusive' : mismatches === 0 ? 'reproduced' : 'not reproduced';
  return {
    label: 'exactness: every speculative output equals greedy decoding',
    outcome,
    criterion:
      'every output of self-speculative decoding (every run, prompt and k) equals KV-cached greedy `generate` token ' +
      'for token → reproduced; any mismatch → not reproduced.',
    evidence: `${mismatches} mismatching outputs in ${results.length} runs × ${HEADS} values of k.`,
  };
}

/** Verdicts, tables, plots and notes of the finished runs. */
export function summarize({ results, mode }: { results: RunResult<Json>[]; mode: Mode }): Summary {
  const exact = exactnessVerdict(results);
  const tpf = thresholdVerdict({ results, condition: 'joint', metric: 'tpf-k4', threshold: TPF_THRESHOLD });
  const verdict: Verdict =
    exact.outcome === 'not reproduced'
      ? {
          ...tpf,
          outcome: 'not reproduced',
          evidence: `${tpf.evidence} But ${exact.evidence}`,
        }
      : tpf;
  verdict.criterion = `${tpf.criterion} Any output differing from greedy decoding → not reproduced.`;
  return {
    verdict,
    checks: [
      exact,
      thresholdVerdict({
        results,
        condition: 'joint',
        metric: 'speedup-k4',
        threshold: 1,
        strict: true,
        label: 'wall clock: the joint model decodes faster than KV-cached greedy at k = 4',
      }),
      compareConditions({
        results,
        metric: 'tpf-k4',
        baseline: 'heads-added',
        treatment: 'joint',
        higherIsBetter: true,
        label: 'heads trained jointly draft better than heads added to a trained next-token model (tpf-k4)',
      }),
    ],
    metrics: [
      ...KS.map((k) => `tpf-k${k}`),
      ...KS.map((k) => `speedup-k${k}`),
      'mismatches',
      ...KS.map((k) => `acc-h${k - 1}`),
      'greedy-ms',
      'load-start',
      'load-end',
    ],
    plots: plots(results, mode),
    notes: [perKTable(results, mode), loadNote(results)].join('\n\n'),
  };
}

const valuesOf = (results: readonly RunResult<Json>[], condition: string, metric: string) =>
  results
    .filter((r) => r.condition === condition && typeof r.metrics[metric] === 'number')
    .map((r) => r.metrics[metric] as number);

function meanStd(values: readonly number[]): string {
  if (values.length === 0) return '–';
  const { mean: m, std } = summarizeValues(values);
  return std === null ? formatNumber(m) : `${formatNumber(m)} ± ${formatNumber(std)}`;
}

/** Tokens per forward, its bound, speedup, the cost of a speculative forward and the acceptance histogram per k. */
function perKTable(results: readonly RunResult<Json>[], mode: Mode): string {
  const { maxNewTokens } = planFor(mode);
  const rows = CONDITIONS.flatMap((condition) =>
    KS.map((k) => {
      const tpf = valuesOf(results, condition, `tpf-k${k}`);
      const speedup = valuesOf(results, condition, `speedup-k${k}`);
      // tokens per forward / speedup = (time of a speculative forward) / (time of a greedy forward).
      const cost = tpf.length === speedup.length ? tpf.map((t, i) => t / (speedup[i] as number)) : [];
      const gained = KS.filter((n) => n <= k).map((n) => {
        const v = valuesOf(results, condition, `gained-k${k}-${n}`);
        return v.length === 0 ? '–' : formatNumber(mean(v));
      });
      return (
        `| ${condition} | ${k} | ${meanStd(tpf)} | ${formatNumber(tokensPerForwardBound(maxNewTokens, k))} | ` +
        `${meanStd(speedup)} | ${meanStd(cost)} | ${gained.join(' / ')} |`
      );
    }),
  );
  return [
    '### Per number of heads k',
    '',
    `Mean ± sample std over seeds. ${maxNewTokens} new tokens per prompt, decoded one prompt at a time; the prompt's ` +
      'forward counts and gives one token, so the bound is below k. Speedup: per seed, the median over timed rounds ' +
      'of (greedy time / speculative time) within the round. Forward cost: tokens per forward ÷ speedup, the time of ' +
      'one speculative forward in greedy forwards (what keeps the speedup below tokens per forward). Forwards gaining ' +
      'n tokens: the fraction of forwards that added 1 / 2 / … / k tokens (the acceptance histogram). The paper ' +
      '(7B models, 512-token completions): 3.50 tokens per forward and 3.05× at k = 4 on code, 3.09–3.12 and ' +
      '2.67–2.74× on text.',
    '',
    '| condition | k | tokens / forward | bound | speedup | forward cost | forwards gaining 1 / … / k tokens |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The machine's load while each run decoded: wall-clock ratios were taken under it. */
function loadNote(results: readonly RunResult<Json>[]): string {
  if (results.length === 0) return '';
  const rows = results.map(
    (r) =>
      `| ${r.id} | ${formatNumber(r.metrics['load-start'] ?? Number.NaN)} → ${formatNumber(r.metrics['load-end'] ?? Number.NaN)} | ` +
      `${r.metrics.cores ?? '–'} | ${formatNumber(r.metrics['greedy-ms'] ?? Number.NaN)} |`,
  );
  return [
    '### Machine load during decoding',
    '',
    'One-minute load average (`os.loadavg()`) when each run started and finished decoding, and the median time of ' +
      'greedy decoding of all prompts. Greedy and speculative decoding were timed in alternating order within each ' +
      'round, so their ratio is fair under load; absolute times are not comparable across runs.',
    '',
    '| run | load average | cores | greedy ms (all prompts) |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function plots(results: readonly RunResult<Json>[], mode: Mode): PlotSpec[] {
  const { maxNewTokens } = planFor(mode);
  const perK = (metric: string) =>
    results.flatMap((r) =>
      KS.flatMap((k) => {
        const value = r.metrics[`${metric}-k${k}`];
        return typeof value === 'number' ? [{ series: r.condition, seed: r.seed, k, value }] : [];
      }),
    );
  const bound = KS.map((k) => ({
    series: 'upper bound',
    seed: -1,
    k,
    value: tokensPerForwardBound(maxNewTokens, k),
  }));
  const histogram = results.flatMap((r) =>
    KS.map((n) => ({
      condition: r.condition,
      seed: r.seed,
      n,
      value: r.metrics[`gained-k${HEADS}-${n}`] ?? 0,
    })),
  );
  const heads = results.flatMap((r) =>
    KS.flatMap((k) => {
      const value = r.metrics[`acc-h${k - 1}`];
      return typeof value === 'number' ? [{ condition: r.condition, seed: r.seed, n: k - 1, value }] : [];
    }),
  );
  return [
    linesByK({
      file: 'tokens-per-forward.svg',
      title: 'tokens per forward against heads used (k)',
      yTitle: 'tokens per forward',
      values: [...perK('tpf'), ...bound],
      series: [...CONDITIONS, 'upper bound'],
    }),
    linesByK({
      file: 'speedup.svg',
      title: 'wall-clock speedup over KV-cached greedy',
      yTitle: 'speedup (×)',
      values: perK('speedup'),
      series: [...CONDITIONS],
    }),
    groupedBars({
      file: 'acceptance.svg',
      title: `k = ${HEADS}: forwards by tokens gained`,
      xTitle: 'tokens gained in one forward',
      yTitle: 'fraction of forwards',
      values: histogram,
    }),
    groupedBars({
      file: 'head-accuracy.svg',
      title: 'held-out accuracy of each head (head i predicts token t+1+i)',
      xTitle: 'head',
      yTitle: 'accuracy',
      values: heads,
    }),
  ];
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A metric against k: thin points per seed, a line through the means, one colour per series. */
function linesByK(args: {
  file: string;
  title: string;
  yTitle: string;
  values: { series: string; seed: number; k: number; value: number }[];
  series: string[];
}): PlotSpec {
  const x = { field: 'k', type: 'ordinal', title: 'heads used (k)', axis: { labelAngle: 0 } } as const;
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: args.series } } as const;
  return {
    kind: 'vega-lite',
    file: args.file,
    spec: {
      $schema: SCHEMA,
      title: args.title,
      description: `${args.yTitle} against k; points are seeds, lines the mean over seeds`,
      width: 360,
      height: 260,
      data: { values: args.values },
      layer: [
        {
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x,
            y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: args.yTitle },
            color,
          },
        },
        {
          mark: { type: 'point', filled: true, opacity: 0.5 },
          encoding: { x, y: { field: 'value', type: 'quantitative', title: args.yTitle }, color },
        },
      ],
    },
  };
}

/** Mean bars per condition side by side at each x, with the seeds as points. */
function groupedBars(args: {
  file: string;
  title: string;
  xTitle: string;
  yTitle: string;
  values: { condition: string; seed: number; n: number; value: number }[];
}): PlotSpec {
  const x = { field: 'n', type: 'ordinal', title: args.xTitle, axis: { labelAngle: 0 } } as const;
  const color = {
    field: 'condition',
    type: 'nominal',
    title: null,
    scale: { domain: [...CONDITIONS] },
  } as const;
  const xOffset = { field: 'condition', type: 'nominal' as const, scale: { domain: [...CONDITIONS] } };
  return {
    kind: 'vega-lite',
    file: args.file,
    spec: {
      $schema: SCHEMA,
      title: args.title,
      description: `${args.yTitle} by ${args.xTitle}; bars are means over seeds, points seeds`,
      width: 360,
      height: 260,
      data: { values: args.values },
      layer: [
        {
          mark: { type: 'bar', opacity: 0.8 },
          encoding: {
            x,
            xOffset,
            y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: args.yTitle },
            color,
          },
        },
        {
          mark: { type: 'point', filled: true, color: 'black', opacity: 0.6, size: 20 },
          encoding: { x, xOffset, y: { field: 'value', type: 'quantitative' } },
        },
      ],
    },
  };
}
