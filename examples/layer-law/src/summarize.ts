import { layerLawPlotSpec } from '@beyond-ntp/layer-law-probe';
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
import { type CheckpointFit, checkpointFits } from './checkpoints.js';
import { conditionNames, NEXT_TOKEN, TWO_TOKEN } from './conditions.js';
import { planFor } from './plan.js';
import { prCurve } from './run.js';
import { lawVerdict, signFlipVerdict } from './verdicts.js';

/** Metrics of the results table, in this order. */
const TABLE_METRICS = [
  'rFinal',
  'rhoFinal',
  'r2Final',
  'ratioFinal',
  'rStep0',
  'rhoStep0',
  'rOneHotFinal',
  'rOneHotStep0',
  'heldOutLossFinal',
  'heldOutLossStep0',
];

/**
 * The verdicts, fixed before any result was seen (README, "Verdict"): the headline is the law for the next-token
 * model (r at the last checkpoint < −0.9 in every seed); the checks are the sign flip from step 0, the law on the
 * one-hot target, and with the 2-token model its law, its sign flip, and its r and ρ against the next-token
 * model's, seed by seed (the kit's paired rule: inconclusive unless every seed agrees beyond the noise).
 */
export function summarize(args: { results: RunResult<Json>[]; mode: Mode }): Summary {
  const { results, mode } = args;
  const layers = planFor(mode).model.nLayers;
  const conditions = conditionNames(mode);
  const checks: Verdict[] = [
    signFlipVerdict({ results, condition: NEXT_TOKEN, label: `${NEXT_TOKEN}: sign flip from step 0` }),
    lawVerdict({
      results,
      condition: NEXT_TOKEN,
      metric: 'rOneHotFinal',
      label: `${NEXT_TOKEN}: one-hot target`,
    }),
  ];
  if (conditions.includes(TWO_TOKEN)) {
    checks.push(
      lawVerdict({ results, condition: TWO_TOKEN, label: `${TWO_TOKEN}: the law` }),
      signFlipVerdict({ results, condition: TWO_TOKEN, label: `${TWO_TOKEN}: sign flip from step 0` }),
      ...(['rFinal', 'rhoFinal'] as const).map((metric) =>
        compareConditions({
          results,
          metric,
          baseline: NEXT_TOKEN,
          treatment: TWO_TOKEN,
          higherIsBetter: false,
          label: `${TWO_TOKEN} vs ${NEXT_TOKEN}: ${metric} (lower = ${metric === 'rFinal' ? 'closer to the law' : 'more reduction per layer'})`,
        }),
      ),
    );
  }
  return {
    verdict: lawVerdict({ results, condition: NEXT_TOKEN }),
    checks,
    metrics: TABLE_METRICS.filter((m) => results.some((r) => m in r.metrics)),
    plots: plots({ results, conditions, layers }),
    notes: [
      conditions.includes(TWO_TOKEN) ? comparisonNote() : '',
      initialisationNote({ results, layers }),
      ...conditions.map((condition) => checkpointTable({ results, condition, layers })),
    ]
      .filter((note) => note !== '')
      .join('\n\n'),
  };
}

function comparisonNote(): string {
  return (
    `For the ${TWO_TOKEN} vs ${NEXT_TOKEN} checks, "reproduced" means the ${TWO_TOKEN} model's value is lower ` +
    '(r: closer to the law; ρ: a larger reduction of PR per layer) in every seed beyond the noise, "not ' +
    `reproduced" that the ${NEXT_TOKEN} model's is; no published result predicts either direction.`
  );
}

const meanStd = (values: number[]) =>
  values.length === 0
    ? '–'
    : values.length === 1
      ? formatNumber(values[0] as number)
      : `${formatNumber(mean(values))} ± ${formatNumber(sampleStd(values))}`;

/** Per probed step of one condition: r by seed, r and ρ mean ± sample std, PR_1 and PR_L, held-out loss. */
function checkpointTable(args: { results: RunResult<Json>[]; condition: string; layers: number }): string {
  const runs = args.results.filter((r) => r.condition === args.condition).sort((a, b) => a.seed - b.seed);
  if (runs.length === 0) return '';
  const fits = runs.map((run) => new Map(checkpointFits(run, args.layers).map((c) => [c.step, c])));
  const steps = [...new Set(fits.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const column = (step: number, pick: (c: CheckpointFit) => number | null | undefined) =>
    fits.flatMap((m) => {
      const c = m.get(step);
      const v = c === undefined ? undefined : pick(c);
      return v === null || v === undefined ? [] : [v];
    });
  const L = args.layers;
  const rows = steps.map((step) => {
    const bySeed = fits.map((m) => {
      const r = m.get(step)?.fit.r;
      return r === undefined || r === null ? '–' : formatNumber(r);
    });
    return [
      String(step),
      bySeed.join(', '),
      meanStd(column(step, (c) => c.fit.r)),
      meanStd(column(step, (c) => c.fit.rho)),
      meanStd(column(step, (c) => c.fit.pr[0])),
      meanStd(column(step, (c) => c.fit.pr[L - 1])),
      meanStd(column(step, (c) => c.heldOutLoss)),
    ];
  });
  return [
    `### ${args.condition}: the law at every probed checkpoint`,
    '',
    `Seeds ${runs.map((r) => r.seed).join(', ')}; r and ρ of ln PR_l against l = 1..${L} (token-id target), mean ± sample std over seeds.`,
    '',
    `| step | r by seed | r | ρ | PR_1 | PR_${L} | held-out loss |`,
    '| ---: | --- | --- | --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/**
 * Both models of a seed start from the same weights on the next-token path (transformer-core draws weights in
 * order, and the 2-token model's extra head comes after them), so their step-0 PR must agree: a check of the
 * pairing, computed, not assumed.
 */
function initialisationNote(args: { results: RunResult<Json>[]; layers: number }): string {
  const step0 = (run: RunResult<Json>) =>
    Array.from(
      { length: args.layers + 1 },
      (_, l) => run.curves[prCurve(l)]?.find((p) => p.step === 0)?.value,
    );
  const pairs = args.results
    .filter((r) => r.condition === NEXT_TOKEN)
    .flatMap((ntp) => {
      const mtp = args.results.find((r) => r.condition === TWO_TOKEN && r.seed === ntp.seed);
      return mtp === undefined ? [] : [[step0(ntp), step0(mtp)] as const];
    });
  if (pairs.length === 0) return '';
  const gaps = pairs.flatMap(([a, b]) =>
    a.map((v, l) => (v === undefined || b[l] === undefined ? Number.NaN : Math.abs(v - (b[l] as number)))),
  );
  const largest = Math.max(...gaps);
  return (
    `Step 0, both models of a seed: the largest difference in PR over all entries and ${pairs.length} seed pair(s) is ` +
    `${formatNumber(largest)} (0 expected: the next-token path starts from the same weights).`
  );
}

function plots(args: { results: RunResult<Json>[]; conditions: string[]; layers: number }): PlotSpec[] {
  const { results, conditions, layers } = args;
  const perRun = results.flatMap((run): PlotSpec[] => {
    const fits = checkpointFits(run, layers);
    if (fits.length === 0) return [];
    return [
      {
        kind: 'vega-lite',
        file: `pr-${run.condition}-seed${run.seed}.svg`,
        spec: layerLawPlotSpec({
          series: fits.map((c) => ({ name: `step ${c.step}`, fit: c.fit })),
          title: `${run.condition}, seed ${run.seed}: PR per layer across training`,
        }),
      },
    ];
  });
  const finals = results.flatMap((run) => {
    const last = checkpointFits(run, layers).at(-1);
    return last === undefined
      ? []
      : [{ name: `${run.condition}, seed ${run.seed}, step ${last.step}`, fit: last.fit }];
  });
  const curve = (curveName: string, title: string, yTitle: string): PlotSpec => ({
    kind: 'curves',
    file: `${curveName}.svg`,
    curve: curveName,
    conditions,
    title,
    yTitle,
  });
  return [
    curve('r', 'r(l, ln PR_l) over training', 'Pearson r'),
    curve('rho', 'ρ, the fitted factor per layer, over training', 'ρ'),
    curve('rOneHot', 'r over training, one-hot target', 'Pearson r (one-hot PR)'),
    curve('heldOutLoss', 'held-out next-token loss at the probed checkpoints', 'cross-entropy (nats)'),
    curve('loss', 'training loss', 'n-token loss'),
    {
      kind: 'comparison',
      file: 'final-r.svg',
      metric: 'rFinal',
      conditions,
      title: 'r at the last checkpoint',
    },
    ...(finals.length === 0
      ? []
      : [
          {
            kind: 'vega-lite',
            file: 'pr-final.svg',
            spec: layerLawPlotSpec({ series: finals, title: 'PR per layer at the last checkpoint' }),
          } satisfies PlotSpec,
        ]),
    ...perRun,
  ];
}
