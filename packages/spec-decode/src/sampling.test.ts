import { afterAll, describe, expect, it } from 'vitest';
import { perturbedCopy, samplingModel } from '../test/models.js';
import { checkSampling, EVERY_TOKEN, everyTokenModels } from '../test/sampling-check.js';

// Speculative sampling must draw continuations exactly as the target does. Each case draws a fixed-seed sample of
// continuations and compares it with the target's exact distribution, enumerated with full forwards, by Pearson's
// chi-square test at significance α = 0.001 (cells expected to hold < 5 draws pooled).
//
// Two regimes per drafter. "Every token verified" (EVERY_TOKEN): 3000 rows in one batch and drafts far from the
// target, so that nearly every token is a first draft accepted or replaced by a residual draw; wrong-rule.test.ts
// shows that the same test rejects wrong acceptance rules. "Chains": 300 single-row calls, so that several drafts
// in a row are accepted and later drafts are verified against distributions conditioned on the accepted ones.

const models = everyTokenModels();
afterAll(() => {
  models.target.dispose();
  models.draft.dispose();
});

const samplings = [
  ['temperature 1', { temperature: 1 }],
  ['temperature 0.7, topK 2, topP 0.9', { temperature: 0.7, topK: 2, topP: 0.9 }],
] as const;

describe('speculative sampling draws exactly from the target distribution', () => {
  it.each(samplings)('heads drafter, every token verified (%s)', (_, sampling) => {
    const check = checkSampling({ ...EVERY_TOKEN, model: models.target, drafter: { heads: 3 }, sampling });
    expect(check.statistic, `chi-square with ${check.degreesOfFreedom} df`).toBeLessThan(check.critical);
    expect(check.tensorsLeft).toBe(0);
  });

  it.each(samplings)('draft model, every token verified (%s)', (_, sampling) => {
    const drafter = { model: models.draft, tokens: 2 };
    const check = checkSampling({ ...EVERY_TOKEN, model: models.target, drafter, sampling });
    expect(check.statistic, `chi-square with ${check.degreesOfFreedom} df`).toBeLessThan(check.critical);
    expect(check.tensorsLeft).toBe(0);
  });

  it.each([
    ['heads drafter', 3, () => ({ heads: 3 })],
    [
      'draft model',
      4,
      (target: ReturnType<typeof samplingModel>) => ({ model: perturbedCopy(target, 1.5, 9), tokens: 3 }),
    ],
  ] as const)('%s, chains of accepted drafts', (_, longest, drafterFor) => {
    const model = samplingModel({ vocabSize: 2, seed: 2, gain: 1 });
    const drafter = drafterFor(model);
    const sampling = { temperature: 1 };
    const check = checkSampling({ model, drafter, sampling, prompt: [1, 0], length: 4, rows: 1, calls: 300 });
    expect(check.statistic, `chi-square with ${check.degreesOfFreedom} df`).toBeLessThan(check.critical);
    // Every draft of an iteration accepted, many times: later drafts were verified.
    expect(check.acceptedLengths[longest]).toBeGreaterThan(50);
    expect(check.tensorsLeft).toBe(0);
    model.dispose();
    if ('model' in drafter) drafter.model.dispose();
  });
});
