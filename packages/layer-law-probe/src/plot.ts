import type { TopLevelSpec } from 'vega-lite';
import { invalidOption, shown } from './errors.js';
import type { LayerLawFit } from './law-fit.js';

/** One line of a {@link layerLawPlotSpec} plot: a model or checkpoint. */
export interface LayerLawSeries {
  /** Legend label, e.g. `step 0` or `2-token model`; unique within a plot. */
  name: string;
  /** The fit to draw: its PR per layer as points joined by a line, and the fitted law as a dashed line. */
  fit: LayerLawFit;
}

/** Options of {@link layerLawPlotSpec} and {@link renderLayerLawSvg}. */
export interface LayerLawPlotOptions {
  /** The lines, in legend order. */
  series: LayerLawSeries[];
  /** Plot title. */
  title?: string;
  /**
   * Draw each series's fitted law (dashed) and give its r and ρ in the legend.
   * @default true
   */
  fitLines?: boolean;
  /** Width of the plotting area in pixels. @default 480 */
  width?: number;
  /** Height of the plotting area in pixels. @default 300 */
  height?: number;
}

const format = (value: number) => value.toFixed(3).replace('-', '−');

/** The legend label of a series: its name, with r and ρ when the fit has them. */
function label(series: LayerLawSeries, fitLines: boolean): string {
  const { r, rho } = series.fit;
  if (!fitLines || r === null || rho === null) return series.name;
  return `${series.name} (r = ${format(r)}, ρ = ${format(rho)})`;
}

/**
 * A Vega-Lite spec of PR against layer on a log scale — the equi-learning law is a straight line there — with one
 * coloured line per series and, by default, each series's fitted law dashed. Data are inline, so the spec renders
 * anywhere Vega-Lite does (a notebook, a browser, the examples' report kit) or with {@link renderLayerLawSvg}.
 * Layers with PR = 0 have no place on a log scale and are left out.
 *
 * @throws {LayerLawError} `INVALID_OPTION` for no series, a repeated name or a non-positive size.
 */
export function layerLawPlotSpec(options: LayerLawPlotOptions): TopLevelSpec {
  const { series, title, fitLines = true, width = 480, height = 300 } = options;
  if (!Array.isArray(series) || series.length === 0)
    throw invalidOption('series', 'must hold at least one series');
  series.forEach(({ name }, i) => {
    if (typeof name !== 'string' || series.findIndex((s) => s.name === name) !== i) {
      throw invalidOption(`series[${i}].name`, `must be a unique string (got ${shown(name)})`);
    }
  });
  for (const [field, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0))
      throw invalidOption(field, `must be a positive number (got ${shown(value)})`);
  }
  const labels = series.map((s) => label(s, fitLines));
  const points = series.flatMap(({ fit }, s) =>
    fit.pr.flatMap((pr, i) => (pr > 0 ? [{ series: labels[s], layer: fit.layers[i], pr }] : [])),
  );
  const lines = fitLines
    ? series.flatMap(({ fit }, s) => {
        const { slope, intercept, layers } = fit;
        if (slope === null || intercept === null) return [];
        const first = layers[0] as number;
        return [first, layers[layers.length - 1] as number].map((layer) => ({
          series: labels[s],
          layer,
          pr: Math.exp(intercept + slope * (layer - first)),
        }));
      })
    : [];
  const x = { field: 'layer', type: 'quantitative', title: 'layer l', axis: { tickMinStep: 1 } } as const;
  const y = {
    field: 'pr',
    type: 'quantitative',
    title: 'prediction residual PR (log scale)',
    scale: { type: 'log' },
  } as const;
  // No label limit: the legend carries r and ρ, which a truncated label would hide.
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: labels },
    legend: { labelLimit: 0 },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title === undefined ? {} : { title }),
    description: 'Prediction residual per layer on a log scale, one line per series; dashed: the fitted law',
    width,
    height,
    layer: [
      { data: { values: points }, mark: { type: 'line', point: true }, encoding: { x, y, color } },
      ...(lines.length === 0
        ? []
        : [
            {
              data: { values: lines },
              mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.5 },
              encoding: { x, y, color },
            },
          ]),
    ],
  } as TopLevelSpec;
}

/**
 * Renders {@link layerLawPlotSpec} to SVG text, headless: Vega-Lite compiles the spec, and Vega's scenegraph is
 * drawn by its SVG string renderer, which needs no canvas or browser (text widths are estimated). Vega and
 * Vega-Lite are loaded on the first call only, so code that never plots never loads them.
 */
export async function renderLayerLawSvg(options: LayerLawPlotOptions): Promise<string> {
  const spec = layerLawPlotSpec(options);
  const [{ compile }, { parse, View }] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
