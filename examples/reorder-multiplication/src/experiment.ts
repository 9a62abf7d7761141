import { defineExperiment, type Json, positiveIntegerOption } from '@beyond-ntp-examples/kit';
import { type ConditionConfig, conditionsFor } from './conditions.js';
import { runLabels } from './run-labels.js';
import { runMultiplication } from './run-multiplication.js';
import { summarize } from './summarize.js';

/** The experiment: plain, reverse, MI-chosen and random-control emission orders at the same model and budget. */
export const experiment = defineExperiment<Json>({
  name: 'reorder-multiplication',
  title:
    'emitting answer digits (or labels) in an MI-chosen order trains a small transformer to higher held-out accuracy than the plain order at the same budget',
  dir: new URL('..', import.meta.url),
  seeds: { smoke: 2, quick: 3, full: 3 },
  options: {
    'mul2-steps': {
      type: 'string',
      description:
        "run only the 2×2 group, this many steps per run (3000: the calibration's horizon, ≈ 1 h); use with --out",
    },
  },
  conditions: ({ mode, options }) =>
    conditionsFor(mode, positiveIntegerOption('mul2-steps', options['mul2-steps'])),
  async run(ctx) {
    const { plan } = ctx.config as unknown as ConditionConfig;
    const metrics = plan.task === 'labels' ? await runLabels(ctx) : await runMultiplication(ctx);
    return { metrics };
  },
  summarize: ({ results, mode }) => summarize({ results, mode }),
});
