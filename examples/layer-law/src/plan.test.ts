import { MODES } from '@beyond-ntp-examples/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFor, probeStepsFor } from './plan.js';

describe('probeStepsFor', () => {
  it('probes step 0 and the last step, ascending and distinct', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (steps) => {
        const probed = probeStepsFor(steps);
        expect(probed[0]).toBe(0);
        expect(probed.at(-1)).toBe(steps);
        for (let i = 1; i < probed.length; i++) expect(probed[i]).toBeGreaterThan(probed[i - 1] as number);
      }),
    );
  });

  it('gives the documented schedule for the full and quick budgets', () => {
    expect(probeStepsFor(500)).toEqual([0, 10, 25, 50, 100, 200, 300, 400, 500]);
    expect(probeStepsFor(200)).toEqual([0, 4, 10, 20, 40, 80, 120, 160, 200]);
  });
});

describe('planFor', () => {
  it.each(MODES)('%s: at least 6 layers, and the probe set fits the stories it is cut from', (mode) => {
    const plan = planFor(mode);
    expect(plan.model.nLayers).toBeGreaterThanOrEqual(6);
    expect(plan.probeSteps).toEqual(probeStepsFor(plan.steps));
    expect(plan.steps % plan.checkpointEvery).toBe(0);
  });

  it.each(['quick', 'full'] as const)(
    '%s: at least 10·d probe samples per layer (the digest’s N ≥ 10·d)',
    (mode) => {
      const { corpus, model } = planFor(mode);
      expect(corpus.probeWindows * (corpus.contextLength - 1)).toBeGreaterThanOrEqual(10 * model.dModel);
    },
  );
});
