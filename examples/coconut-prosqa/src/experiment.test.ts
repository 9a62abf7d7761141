import { describe, expect, it } from 'vitest';
import { experiment } from './experiment.js';
import { afterPrefixEpochs, planFor } from './plan.js';

describe('experiment conditions', () => {
  it('builds every condition from the CoT checkpoint of the same seed except CoT and no-CoT, with equal epochs', () => {
    for (const mode of ['smoke', 'quick', 'full'] as const) {
      const plan = planFor(mode);
      const conditions = experiment.conditions({ mode, options: {} });
      expect(conditions.map((c) => [c.name, c.dependsOn ?? [], c.units])).toEqual([
        ['cot', [], plan.cotEpochs + afterPrefixEpochs(plan)],
        ['no-cot', [], plan.cotEpochs + afterPrefixEpochs(plan)],
        ['coconut', ['cot'], afterPrefixEpochs(plan)],
        ['no-curriculum', ['cot'], afterPrefixEpochs(plan)],
        ['no-thought', ['cot'], afterPrefixEpochs(plan)],
        ['cot-then-answer', ['cot'], afterPrefixEpochs(plan)],
      ]);
      // After the prefix, the curriculum reaches its last stage before the final epochs.
      expect(afterPrefixEpochs(plan)).toBe(plan.maxLatentStage * plan.epochsPerStage + plan.finalEpochs);
    }
  });
});
