import { defineExperiment, type Json } from '@beyond-ntp-examples/kit';
import { conditionsFor } from './plan.js';
import { runCondition } from './run.js';
import { summarize } from './summarize.js';

/** The experiment: parameter-matched 1-, 2- and 4-token models on polynomial arithmetic over F_7[X]/(X^5). */
export const experiment = defineExperiment<Json>({
  name: 'mtp-polynomial',
  title:
    'a 2-token-prediction model gets higher held-out exact match on polynomial arithmetic over F_7[X]/(X^5) than the parameter-matched next-token model',
  dir: new URL('..', import.meta.url),
  seeds: { smoke: 2, quick: 3, full: 3 },
  budgets: {
    quick: '≈ 5 min on an idle 2-core machine (150 steps at d=32)',
    full: '≈ 30 min on an idle 2-core machine (400 steps at d=64); about 20 min more with --larger',
  },
  options: {
    larger: {
      type: 'boolean',
      description:
        'full mode: also train the next-token model with ~3× the weights (d=112), the paper’s size control',
    },
  },
  conditions: ({ mode, options }) => conditionsFor(mode, options.larger === true),
  run: async (ctx) => ({ metrics: await runCondition(ctx) }),
  summarize: ({ results }) => summarize({ results }),
});
