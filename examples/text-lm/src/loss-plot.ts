import type { StepMetrics } from '@beyond-ntp/transformer-core';
import type { PlotSpec } from '@beyond-ntp-examples/kit';

/** A complete Vega-Lite spec, as the kit's `renderSvg` takes it. */
export type VegaLiteSpec = Extract<PlotSpec, { kind: 'vega-lite' }>['spec'];

/**
 * The learning curves of a run as a Vega-Lite spec: the training loss averaged over blocks of `block` steps
 * (single steps are noisy) and the held-out loss at every evaluation, in nats per token against the step.
 */
export function lossCurveSpec(args: {
  metrics: readonly StepMetrics[];
  block: number;
  title: string;
}): VegaLiteSpec {
  const { metrics, block } = args;
  const values: { step: number; loss: number; series: string }[] = [];
  for (let start = 0; start < metrics.length; start += block) {
    const part = metrics.slice(start, start + block);
    const mean = part.reduce((sum, m) => sum + m.loss, 0) / part.length;
    values.push({
      step: (part.at(-1) as StepMetrics).step,
      loss: mean,
      series: `train (mean of ${block} steps)`,
    });
  }
  for (const m of metrics) {
    if (m.evalLoss !== undefined) values.push({ step: m.step, loss: m.evalLoss, series: 'held-out' });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: args.title,
    width: 480,
    height: 280,
    data: { values },
    mark: { type: 'line', point: { size: 12 } },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', title: 'cross-entropy (nats/token)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } },
    },
  };
}
