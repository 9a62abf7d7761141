import { defineExperiment, type Json } from '@beyond-ntp-examples/kit';
import { conditionsFor } from './conditions.js';
import { runCondition } from './run.js';
import { summarize } from './summarize.js';

/** The experiment: PR per layer across training of a next-token and a 2-token model, and the law fitted to it. */
export const experiment = defineExperiment<Json>({
  name: 'layer-law',
  title:
    'every layer of a trained small GPT reduces the next-token prediction residual by the same factor: r(l, ln PR_l) strongly negative after training, unlike at initialisation',
  dir: new URL('..', import.meta.url),
  seeds: { smoke: 2, quick: 3, full: 3 },
  budgets: {
    quick: '≈ 4 minutes on an idle 2-core machine',
    full: '≈ 20 minutes on an idle 2-core machine',
  },
  conditions: ({ mode }) => conditionsFor(mode),
  run: async (ctx) => ({ metrics: await runCondition(ctx) }),
  summarize: ({ results, mode }) => summarize({ results, mode }),
});
