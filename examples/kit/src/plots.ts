import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { KitError } from './errors.js';
import type { RunResult } from './experiment.js';
import { summarizeValues } from './stats.js';

/**
 * A plot an experiment asks for, written as `<out>/plots/<file>`:
 * - `curves`: a learning curve recorded with `ctx.record` against step, one colour per condition, each seed a
 *   thin line and the mean over seeds a thick one;
 * - `comparison`: a final metric per condition, each seed a dot and the mean with a ±1 sample-std bar;
 * - `vega-lite`: any other plot, as a complete Vega-Lite spec with inline data.
 */
export type PlotSpec =
  | {
      kind: 'curves';
      /** File name, ending in `.svg`. */
      file: string;
      /** The curve's name, as given to `ctx.record`. */
      curve: string;
      /** Plot title. */
      title?: string;
      /** Y-axis title. @default the curve's name */
      yTitle?: string;
      /** Conditions to show, in legend order. @default all, in plan order */
      conditions?: string[];
    }
  | {
      kind: 'comparison';
      /** File name, ending in `.svg`. */
      file: string;
      /** The metric's name, a key of the runs' `metrics`. */
      metric: string;
      /** Plot title. */
      title?: string;
      /** Y-axis title. @default the metric's name */
      yTitle?: string;
      /** Conditions to show, in this order. @default all, in plan order */
      conditions?: string[];
    }
  | {
      kind: 'vega-lite';
      /** File name, ending in `.svg`. */
      file: string;
      /** A Vega-Lite spec with inline data. */
      spec: TopLevelSpec;
    };

const WIDTH = 480;
const HEIGHT = 280;

/** The Vega-Lite spec of a plot, built from the finished runs; `conditions` gives the default order and colours. */
export function plotToVegaLite(args: {
  plot: PlotSpec;
  results: readonly RunResult[];
  conditions: readonly string[];
}): TopLevelSpec {
  const { plot, results } = args;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.svg$/.test(plot.file)) {
    throw new KitError(
      'INVALID_EXPERIMENT',
      'plots.file',
      `"${plot.file}" must be a plain file name ending in .svg`,
    );
  }
  if (plot.kind === 'vega-lite') return plot.spec;
  const conditions = plot.conditions ?? [...args.conditions];
  const shown = results.filter((result) => conditions.includes(result.condition));
  return plot.kind === 'curves'
    ? curvesSpec({ ...plot, results: shown, conditions })
    : comparisonSpec({ ...plot, results: shown, conditions });
}

function curvesSpec(args: {
  curve: string;
  title?: string;
  yTitle?: string;
  results: readonly RunResult[];
  conditions: readonly string[];
}): TopLevelSpec {
  const values = args.results.flatMap((result) =>
    (result.curves[args.curve] ?? []).map((point) => ({
      condition: result.condition,
      seed: result.seed,
      step: point.step,
      value: point.value,
    })),
  );
  const x = { field: 'step', type: 'quantitative', title: 'step' } as const;
  const color = {
    field: 'condition',
    type: 'nominal',
    scale: { domain: [...args.conditions] },
    legend: { symbolOpacity: 1, symbolStrokeWidth: 2.5 },
  } as const;
  const yTitle = args.yTitle ?? args.curve;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(args.title === undefined ? {} : { title: args.title }),
    description: `${args.curve} against step; thin lines are seeds, thick lines the mean over seeds`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1, opacity: 0.35 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: yTitle },
          color,
          detail: { field: 'seed', type: 'nominal' },
        },
      },
      {
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: {
          x,
          y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: yTitle },
          color,
        },
      },
    ],
  };
}

function comparisonSpec(args: {
  metric: string;
  title?: string;
  yTitle?: string;
  results: readonly RunResult[];
  conditions: readonly string[];
}): TopLevelSpec {
  const { metric } = args;
  const seeds = args.results
    .filter((result) => typeof result.metrics[metric] === 'number')
    .map((result) => ({
      condition: result.condition,
      seed: result.seed,
      value: result.metrics[metric] as number,
    }));
  // Means and spreads come from the kit's own statistics, so the plot shows exactly the numbers in results.md.
  const means = args.conditions.flatMap((condition) => {
    const values = seeds.filter((s) => s.condition === condition).map((s) => s.value);
    if (values.length === 0) return [];
    const { mean, std, n } = summarizeValues(values);
    return [{ condition, mean, low: mean - (std ?? 0), high: mean + (std ?? 0), n }];
  });
  const x = {
    field: 'condition',
    type: 'nominal',
    sort: [...args.conditions],
    title: null,
    axis: { labelAngle: 0 },
  } as const;
  const color = {
    field: 'condition',
    type: 'nominal',
    scale: { domain: [...args.conditions] },
    legend: null,
  } as const;
  const yTitle = args.yTitle ?? metric;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(args.title === undefined ? {} : { title: args.title }),
    description: `${metric} per condition: dots are seeds, the bar is the mean ± 1 sample std`,
    width: Math.max(160, 90 * args.conditions.length),
    height: HEIGHT,
    layer: [
      {
        data: { values: means },
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'low', type: 'quantitative', title: yTitle, scale: { zero: false } },
          y2: { field: 'high' },
          color,
        },
      },
      {
        data: { values: means },
        mark: { type: 'tick', thickness: 3, size: 28 },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle }, color },
      },
      {
        data: { values: seeds },
        mark: { type: 'point', filled: true, opacity: 0.6, size: 40 },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: yTitle }, color },
      },
    ],
  };
}

/**
 * Compiles a Vega-Lite spec and renders it to SVG text headless: Vega's scenegraph is drawn by its SVG string
 * renderer, which needs no canvas or other native module (text widths are estimated).
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
