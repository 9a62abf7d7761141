import { defineExperiment, type Json } from '@beyond-ntp-examples/kit';
import { CONDITIONS, planFor } from './plan.js';
import { type ConditionConfig, runCondition, runUnits } from './run.js';
import { summarize } from './summarize.js';

/** The experiment: self-speculative decoding with jointly trained heads and with heads added after training. */
export const experiment = defineExperiment<Json>({
  name: 'self-speculative',
  title:
    'a 4-head multi-token model decodes its own greedy output exactly with about 3 tokens per forward, and heads trained jointly draft better than heads added to a trained next-token model',
  dir: new URL('..', import.meta.url),
  seeds: { smoke: 1, quick: 1, full: 3 },
  conditions: ({ mode }) =>
    CONDITIONS.map((variant) => {
      const config: ConditionConfig = { variant, plan: planFor(mode) };
      return { name: variant, config: config as unknown as Json, units: runUnits(config) };
    }),
  async run(ctx) {
    return { metrics: await runCondition(ctx) };
  },
  summarize: ({ results, mode }) => summarize({ results, mode }),
});
