import {
  compareConditions,
  formatNumber,
  type Json,
  type Mode,
  mean,
  type PlotSpec,
  type RunResult,
  type Summary,
  type Verdict,
} from '@beyond-ntp-examples/kit';
import type { ConditionConfig } from './conditions.js';
import type { TaskPlan } from './plan.js';
import { digitMetric } from './run-multiplication.js';

/** Metrics of the results table, in this order (those no run reported are left out). */
const TABLE_METRICS = ['exact', ...[5, 4, 3, 2, 1, 0].map(digitMetric), 'setExact', 'microF1', 'macroF1'];

/** The tens digit: the cheap early signal of the calibration run. */
const TENS = digitMetric(1);

/**
 * The headline comparison, fixed before any result was seen: the MI-chosen order (max-MI chain, whole input)
 * against plain on 2×2 multiplication, on held-out exact match in full mode and on tens-digit accuracy in quick
 * mode, whose budget is too short for exact match to leave zero. The kit's rule applies: better in every one of
 * ≥ 3 seeds and by more than 1 pooled sample std → reproduced; the reverse → not reproduced; else inconclusive.
 */
export function headline(mode: Mode): { metric: string; baseline: string; treatment: string } {
  return { metric: mode === 'quick' ? TENS : 'exact', baseline: 'mul2-plain', treatment: 'mul2-mi-chain' };
}

const configOf = (result: RunResult<Json>) => result.config as unknown as ConditionConfig;

/** Verdicts, tables, plots and notes of the finished runs. */
export function summarize(args: { results: RunResult<Json>[]; mode: Mode }): Summary {
  const { results, mode } = args;
  const plans = plansOf(results);
  const top = headline(mode);
  const compare = (group: string, treatment: string, baseline: string, metric: string): Verdict =>
    compareConditions({
      results,
      metric,
      baseline: `${group}-${baseline}`,
      treatment: `${group}-${treatment}`,
      higherIsBetter: true,
      label: `${group}: ${treatment} vs ${baseline}, ${metric}`,
    });
  const checks: Verdict[] = [];
  for (const plan of plans) {
    const metrics = plan.task === 'labels' ? ['setExact'] : ['exact', TENS];
    const others = plan.orders.filter((o) => o !== 'plain');
    for (const metric of metrics) {
      for (const order of others) {
        const isHeadline = `${plan.group}-${order}` === top.treatment && metric === top.metric;
        if (!isHeadline) checks.push(compare(plan.group, order, 'plain', metric));
      }
    }
    // The control: does the MI order beat an arbitrary fixed non-plain order on the group's main metric?
    if (plan.orders.includes('mi-chain') && plan.orders.includes('random')) {
      checks.push(compare(plan.group, 'mi-chain', 'random', metrics[0] as string));
    }
  }
  const reported = new Set(results.flatMap((r) => Object.keys(r.metrics)));
  return {
    verdict: compareConditions({ results, ...top, higherIsBetter: true }),
    checks,
    metrics: TABLE_METRICS.filter((m) => reported.has(m)),
    plots: plans.flatMap(plotsFor),
    notes: [
      ordersNote(results),
      ...plans.map((plan) => bestOrderNote(plan, results)),
      speedNote(plans, results),
    ]
      .filter((note) => note !== '')
      .join('\n\n'),
  };
}

/** The task plans the finished runs were made with (each run stores its own), one per group, in run order. */
function plansOf(results: readonly RunResult<Json>[]): TaskPlan[] {
  const byGroup = new Map<string, TaskPlan>();
  for (const r of results) {
    const { plan } = configOf(r);
    if (!byGroup.has(plan.group)) byGroup.set(plan.group, plan);
  }
  return [...byGroup.values()];
}

const conditionsOf = (plan: TaskPlan) => plan.orders.map((o) => `${plan.group}-${o}`);

function plotsFor(plan: TaskPlan): PlotSpec[] {
  const conditions = conditionsOf(plan);
  const g = plan.group;
  if (plan.task === 'labels') {
    return [
      {
        kind: 'curves',
        file: `${g}-set-exact.svg`,
        curve: 'setExact',
        conditions,
        title: `${g}: held-out exact set match`,
        yTitle: 'exact set match',
      },
      {
        kind: 'curves',
        file: `${g}-micro-f1.svg`,
        curve: 'microF1',
        conditions,
        title: `${g}: held-out micro-F1`,
        yTitle: 'micro-F1',
      },
      {
        kind: 'comparison',
        file: `${g}-final-set-exact.svg`,
        metric: 'setExact',
        conditions,
        title: `${g}: final exact set match`,
      },
    ];
  }
  return [
    {
      kind: 'curves',
      file: `${g}-exact.svg`,
      curve: 'exact',
      conditions,
      title: `${g}: held-out exact match`,
      yTitle: 'exact match',
    },
    {
      kind: 'curves',
      file: `${g}-tens.svg`,
      curve: TENS,
      conditions,
      title: `${g}: held-out tens-digit accuracy`,
      yTitle: 'tens digit accuracy',
    },
    {
      kind: 'curves',
      file: `${g}-loss.svg`,
      curve: 'loss',
      conditions,
      title: `${g}: training loss (answer digits)`,
      yTitle: 'loss',
    },
    {
      kind: 'comparison',
      file: `${g}-final-exact.svg`,
      metric: 'exact',
      conditions,
      title: `${g}: final exact match`,
    },
    {
      kind: 'comparison',
      file: `${g}-final-tens.svg`,
      metric: TENS,
      conditions,
      title: `${g}: final tens-digit accuracy`,
    },
  ];
}

/** Which positions each condition emits first to last, and what chose the order. */
function ordersNote(results: readonly RunResult<Json>[]): string {
  const seen = new Map<string, ConditionConfig>();
  for (const r of results) if (!seen.has(r.condition)) seen.set(r.condition, configOf(r));
  if (seen.size === 0) return '';
  const rows = [...seen].map(([condition, c]) => {
    const emitted =
      c.plan.task === 'labels'
        ? `labels ${c.order.positions.join(' ')}`
        : c.order.positions.map((p) => `10^${2 * (c.plan.digits ?? 2) - 1 - p}`).join(', ');
    return `| ${condition} | ${emitted} | \`${c.description}\` |`;
  });
  return [
    '### Emission orders',
    '',
    "Computed by `@beyond-ntp/target-reorder-mi` on each group's training data (the same for every seed). ",
    "Label positions index synth-tasks' `MULTILABEL_LABELS` (animals, food, music, sport, travel, weather, outdoors, home).",
    '',
    '| condition | emitted first → last | chosen by (strategy (source, estimator): positions) |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** One computed sentence per group: did any non-plain order beat plain, and by how many points. */
function bestOrderNote(plan: TaskPlan, results: readonly RunResult<Json>[]): string {
  const metric = plan.task === 'labels' ? 'setExact' : 'exact';
  const byCondition = (o: string) => results.filter((r) => r.condition === `${plan.group}-${o}`);
  const plain = new Map(byCondition('plain').map((r) => [r.seed, r.metrics[metric] as number]));
  const gains = plan.orders
    .filter((o) => o !== 'plain')
    .flatMap((o) => {
      const paired = byCondition(o).filter((r) => plain.has(r.seed));
      if (paired.length === 0) return [];
      const diffs = paired.map((r) => (r.metrics[metric] as number) - (plain.get(r.seed) as number));
      return [{ order: o, gain: mean(diffs), wins: diffs.filter((d) => d > 0).length, n: paired.length }];
    });
  if (gains.length === 0) return '';
  const best = gains.reduce((a, b) => (b.gain > a.gain ? b : a));
  const points = (x: number) => `${x >= 0 ? '+' : '−'}${formatNumber(Math.abs(100 * x))} points`;
  const what = plan.task === 'labels' ? 'exact set match' : 'held-out exact match';
  const verdictOf = compareConditions({
    results,
    metric,
    baseline: `${plan.group}-plain`,
    treatment: `${plan.group}-${best.order}`,
    higherIsBetter: true,
  }).outcome;
  const all = gains.map((g) => `${g.order} ${points(g.gain)}`).join(', ');
  const paper =
    plan.group === 'mul2' ? ' The paper reports up to +28.5 points on two-digit multiplication.' : '';
  return (
    `**${plan.group}:** the best non-plain order on ${what} was **${best.order}**, ${points(best.gain)} over plain ` +
    `(mean of paired seed differences; better in ${best.wins} of ${best.n} seeds; by the stated rule: ${verdictOf}). ` +
    `All orders against plain: ${all}.${best.gain <= 0 ? ' No non-plain order beat plain on average.' : ''}${paper}`
  );
}

/** Measured training speed, so the budgets can be checked against the machine that ran them. */
function speedNote(plans: readonly TaskPlan[], results: readonly RunResult<Json>[]): string {
  const lines = plans.flatMap((plan) => {
    const runs = results.filter((r) => r.condition.startsWith(`${plan.group}-`) && !r.resumed);
    if (runs.length === 0) return [];
    const seconds = mean(runs.map((r) => r.wallSeconds));
    return [
      `- ${plan.group}: ${formatNumber(seconds)} s per run of ${plan.recipe.steps} steps on average ` +
        `(${formatNumber(plan.recipe.steps / seconds)} steps/s including evaluations; ${runs.length} uninterrupted runs)`,
    ];
  });
  return lines.length === 0 ? '' : ['### Measured speed', '', ...lines].join('\n');
}
