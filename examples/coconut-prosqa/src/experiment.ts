import { defineExperiment, type Json } from '@beyond-ntp-examples/kit';
import { afterPrefixEpochs, CONDITIONS, planFor } from './plan.js';
import { type ConditionConfig, runCondition } from './run.js';
import { summarize } from './summarize.js';

/** The experiment: every condition of {@link CONDITIONS}, the `from: 'cot'` ones building on the seed's `cot` run. */
export const experiment = defineExperiment<Json>({
  name: 'coconut-prosqa',
  title:
    'on ProsQA, continuous thoughts (Coconut) answer more accurately than chain of thought with fewer generated tokens, and the gain comes from the thoughts rather than from CoT-then-answer training',
  dir: new URL('..', import.meta.url),
  seeds: { smoke: 1, quick: 3, full: 3 },
  conditions: ({ mode }) => {
    const plan = planFor(mode);
    return CONDITIONS.map((spec) => {
      const config: ConditionConfig = { plan, spec };
      return {
        name: spec.name,
        config: JSON.parse(JSON.stringify(config)) as Json,
        // Progress in epochs; thoughts add a pass each, so an epoch with thoughts costs about twice as much.
        units: (spec.from === 'cot' ? 0 : plan.cotEpochs) + afterPrefixEpochs(plan),
        weight: spec.method === 'coconut' || spec.method === 'no-curriculum' ? 2 : 1,
        ...(spec.from === 'cot' && { dependsOn: ['cot'] }),
      };
    });
  },
  async run(ctx) {
    return { metrics: await runCondition(ctx) };
  },
  summarize,
});
