import type { Json } from '@beyond-ntp-examples/kit';
import {
  compareConditions,
  formatNumber,
  mean,
  type PlotSpec,
  type RunResult,
  type SummarizeArgs,
  type Summary,
  type Verdict,
} from '@beyond-ntp-examples/kit';

/** Metrics tabulated per condition, in this order. */
export const METRICS = [
  'accuracy',
  'tokens',
  'validPath',
  'shortestPath',
  'stopped',
  'prefixAccuracy',
  'prefixValidPath',
];

// Coconut against each condition on held-out accuracy; the controls decide what a win over CoT can be credited to.
const COMPARED = ['cot', 'no-cot', 'no-curriculum', 'no-thought', 'cot-then-answer'] as const;

const versus = (results: readonly RunResult<Json>[], baseline: string, treatment = 'coconut'): Verdict =>
  compareConditions({
    results,
    metric: 'accuracy',
    baseline,
    treatment,
    higherIsBetter: true,
    label: `${treatment} vs ${baseline}`,
  });

/**
 * The headline verdict (Coconut vs CoT on accuracy, the kit's paired rule), one check per control, CoT-then-answer
 * vs CoT, and the reading the README states before any result: thoughts are credited with a win only when Coconut
 * also beats both controls that start from the same CoT checkpoint without thoughts (w/o thought and
 * CoT-then-answer); the curriculum only when Coconut beats w/o curriculum.
 */
export function summarize({ results }: SummarizeArgs<Json>): Summary {
  const [headline, ...checks] = COMPARED.map((baseline) => versus(results, baseline));
  checks.push(versus(results, 'cot', 'cot-then-answer'));
  const outcome = (baseline: string) => checks.find((c) => c.label === `coconut vs ${baseline}`)?.outcome;
  return {
    ...(headline && { verdict: headline }),
    checks,
    metrics: METRICS,
    notes: reading({ results, headline: headline?.outcome, outcome }),
    plots: [
      { kind: 'comparison', file: 'accuracy.svg', metric: 'accuracy', title: 'held-out answer accuracy' },
      {
        kind: 'comparison',
        file: 'tokens.svg',
        metric: 'tokens',
        title: 'mean generated tokens (thoughts counted)',
      },
      { kind: 'vega-lite', file: 'accuracy-vs-tokens.svg', spec: accuracyVsTokens(results) },
      { kind: 'curves', file: 'loss.svg', curve: 'loss', title: 'training loss per epoch' },
    ],
  };
}

// The paper's trade-off in one picture: each run a point at (mean generated tokens, accuracy).
function accuracyVsTokens(
  results: readonly RunResult<Json>[],
): Extract<PlotSpec, { kind: 'vega-lite' }>['spec'] {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'accuracy against generated tokens (one point per run)',
    width: 360,
    height: 240,
    data: {
      values: results.map((r) => ({
        condition: r.condition,
        seed: r.seed,
        tokens: r.metrics.tokens ?? 0,
        accuracy: r.metrics.accuracy ?? 0,
      })),
    },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: { field: 'tokens', type: 'quantitative', title: 'mean generated tokens (thoughts counted)' },
      y: { field: 'accuracy', type: 'quantitative', title: 'held-out accuracy', scale: { domain: [0, 1] } },
      color: { field: 'condition', type: 'nominal' },
      shape: { field: 'condition', type: 'nominal' },
    },
  };
}

function reading(args: {
  results: readonly RunResult<Json>[];
  headline: string | undefined;
  outcome: (baseline: string) => string | undefined;
}): string {
  const { results, headline, outcome } = args;
  const of = (condition: string, metric: string) => {
    const values = results.filter((r) => r.condition === condition && metric in r.metrics);
    return values.length === 0 ? Number.NaN : mean(values.map((r) => r.metrics[metric] as number));
  };
  const pct = (value: number) => (Number.isFinite(value) ? `${formatNumber(100 * value)} %` : 'n/a');
  const lines = [
    `**CoT first.** After the shared prefix the CoT checkpoint answers ${pct(of('cot', 'prefixAccuracy'))} of the held-out questions and writes a valid path in ${pct(of('cot', 'prefixValidPath'))}; at the end CoT writes a valid path in ${pct(of('cot', 'validPath'))} (a shortest one in ${pct(of('cot', 'shortestPath'))}).`,
    `**Tokens.** Mean generated tokens (thoughts counted, markers and end of sequence not): ${['cot', 'no-cot', 'coconut', 'no-curriculum', 'no-thought', 'cot-then-answer'].map((c) => `${c} ${Number.isNaN(of(c, 'tokens')) ? 'n/a' : formatNumber(of(c, 'tokens'))}`).join(', ')}.`,
  ];
  const thoughts = outcome('no-thought') === 'reproduced' && outcome('cot-then-answer') === 'reproduced';
  let attribution: string;
  if (headline !== 'reproduced') {
    attribution = `Coconut did not beat CoT by the rule (${headline ?? 'no runs'}), so there is no gain over CoT to attribute.`;
  } else if (thoughts) {
    attribution =
      'Coconut beat CoT and both controls that start from the same CoT checkpoint without thoughts (w/o thought, CoT-then-answer): the runs credit the gain to the continuous thoughts.';
  } else {
    attribution = `Coconut beat CoT, but not both controls that start from the same CoT checkpoint without thoughts (w/o thought: ${outcome('no-thought')}, CoT-then-answer: ${outcome('cot-then-answer')}): the gain over CoT is not credited to the thoughts; CoT-then-answer training accounts for it as far as these runs can tell.`;
  }
  lines.push(`**Attribution (rule stated before the runs).** ${attribution}`);
  lines.push(
    `**Curriculum.** Coconut vs w/o curriculum (both from the CoT checkpoint): ${outcome('no-curriculum') ?? 'no runs'}.`,
  );
  return lines.join('\n\n');
}
