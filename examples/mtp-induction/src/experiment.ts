import { defineExperiment, type Json, positiveIntegerOption } from '@beyond-ntp-examples/kit';
import { conditionsFor } from './plan.js';
import { runCondition } from './run.js';
import { summarize } from './summarize.js';

/** The experiment: parameter-matched next-token vs 2-token models on induction stories with two-token names. */
export const experiment = defineExperiment<Json>({
  name: 'mtp-induction',
  title:
    'a 2-token-prediction model gets higher held-out accuracy on the second token of repeated two-token names than the parameter-matched next-token model',
  dir: new URL('..', import.meta.url),
  seeds: { smoke: 2, quick: 3, full: 3 },
  budgets: {
    quick:
      '≈ 5 min on an idle 2-core machine (120 steps at d=32: far below the ~2,500 steps the calibration needed)',
    full: '≈ 30 min on an idle 2-core machine (300 steps at d=32 and d=64; the calibration trained 4,000)',
  },
  options: {
    steps: {
      type: 'string',
      description:
        "training steps of every run instead of the mode's (4000: the calibration's; hours per run)",
    },
  },
  conditions: ({ mode, options }) => conditionsFor(mode, positiveIntegerOption('steps', options.steps)),
  run: async (ctx) => ({ metrics: await runCondition(ctx) }),
  summarize: ({ results, mode }) => summarize({ results, mode }),
});
