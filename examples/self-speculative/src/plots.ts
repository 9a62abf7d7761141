import type { Json, Mode, PlotSpec, RunResult } from '@beyond-ntp-examples/kit';
import { tokensPerForwardBound } from './measure.js';
import { CONDITIONS, HEADS, KS, planFor } from './plan.js';

/**
 * The plots: tokens per forward and speedup against k (with the bound), the acceptance histogram at k = 4 and each
 * head's held-out accuracy.
 */
export function plotsFor(results: readonly RunResult<Json>[], mode: Mode): PlotSpec[] {
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

type VegaLiteSpec = Extract<PlotSpec, { kind: 'vega-lite' }>['spec'];
type Layer = Extract<VegaLiteSpec, { layer: unknown }>['layer'][number];

/** A 360 × 260 layered Vega-Lite plot of inline rows. */
function layered(args: {
  file: string;
  title: string;
  description: string;
  values: object[];
  layer: Layer[];
}): PlotSpec {
  return {
    kind: 'vega-lite',
    file: args.file,
    spec: {
      $schema: SCHEMA,
      title: args.title,
      description: args.description,
      width: 360,
      height: 260,
      data: { values: args.values },
      layer: args.layer,
    },
  };
}

/** A metric against k: thin points per seed, a line through the means, one colour per series. */
function linesByK(args: {
  file: string;
  title: string;
  yTitle: string;
  values: { series: string; seed: number; k: number; value: number }[];
  series: string[];
}): PlotSpec {
  const x = { field: 'k', type: 'ordinal', title: 'heads used (k)', axis: { labelAngle: 0 } } as const;
  const color = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: args.series } };
  return layered({
    file: args.file,
    title: args.title,
    description: `${args.yTitle} against k; points are seeds, lines the mean over seeds`,
    values: args.values,
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
  });
}

/** Mean bars per condition side by side at each x, with the seeds as points. */
function groupedBars(args: {
  file: string;
  title: string;
  xTitle: string;
  yTitle: string;
  values: { condition: string; seed: number; n: number; value: number }[];
}): PlotSpec {
  const x = { field: 'n', type: 'ordinal' as const, title: args.xTitle, axis: { labelAngle: 0 } };
  const domain = [...CONDITIONS];
  const color = { field: 'condition', type: 'nominal' as const, title: null, scale: { domain } };
  const xOffset = { field: 'condition', type: 'nominal' as const, scale: { domain } };
  return layered({
    file: args.file,
    title: args.title,
    description: `${args.yTitle} by ${args.xTitle}; bars are means over seeds, points seeds`,
    values: args.values,
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
  });
}
