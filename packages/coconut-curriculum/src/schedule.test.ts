import { describe, expect, it } from 'vitest';
import { failure, maxArrayDiff, TOKENS } from '../test/fixtures.js';
import { epochRows, planEpochs } from './schedule.js';

const PROSQA = { epochsPerStage: 5, maxLatentStage: 6, epochs: 50 };

describe('planEpochs', () => {
  it("ProsQA's schedule: a stage every 5 epochs, the optimizer restarting when the data change", () => {
    const plan = planEpochs(PROSQA);
    expect(plan.map((p) => p.stage)).toEqual(Array.from({ length: 50 }, (_, e) => Math.floor(e / 5)));
    // Stages 0 … 6 replace steps one at a time; stages 7 … 9 all remove every step (the same layout), so they
    // share one optimizer.
    expect(plan.map((p) => p.segment)).toEqual(
      Array.from({ length: 50 }, (_, e) => Math.min(7, Math.floor(e / 5))),
    );
    expect(planEpochs({ ...PROSQA, optimizerReset: 'epoch' }).map((p) => p.segment)).toEqual(
      Array.from({ length: 50 }, (_, e) => e),
    );
    expect(new Set(planEpochs({ ...PROSQA, optimizerReset: 'never' }).map((p) => p.segment))).toEqual(
      new Set([0]),
    );
  });

  it('the baselines: CoT stays at stage 0, no-CoT and no-curriculum at the all-removed stage', () => {
    const stages = (method: Parameters<typeof planEpochs>[0]['method']) =>
      new Set(planEpochs({ ...PROSQA, method }).map((p) => p.stage));
    expect(stages('cot')).toEqual(new Set([0]));
    expect(stages('no-cot')).toEqual(new Set([7]));
    expect(stages('no-curriculum')).toEqual(new Set([7]));
    expect(stages('no-thought')).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(stages('pause-as-thought')).toEqual(stages('coconut'));
    expect(new Set(planEpochs({ ...PROSQA, method: 'cot' }).map((p) => p.segment))).toEqual(new Set([0]));
  });
});

describe('epochRows', () => {
  // 2,000 examples of 3 steps each; the question spells the example's index in decimal digits 1 … 10.
  const examples = Array.from({ length: 2000 }, (_, i) => ({
    question: [1000, 100, 10, 1].map((unit) => 1 + (Math.floor(i / unit) % 10)),
    steps: [[4], [5], [6]],
    answer: [7],
  }));
  const options = { examples, tokens: TOKENS, epochsPerStage: 2, maxLatentStage: 6 };
  const key = (ids: number[]) => ids.slice(0, 4).join(',');

  it('holds every example once per epoch, reshuffled every epoch, the same for the same seed', () => {
    const epoch4 = epochRows({ ...options, epoch: 4 });
    expect(new Set(epoch4.map((r) => key(r.ids))).size).toBe(2000);
    expect(epoch4.every((r) => r.stage === 2 && r.slotCount === 2)).toBe(true);
    expect(epochRows({ ...options, epoch: 4 })).toEqual(epoch4);
    expect(epochRows({ ...options, epoch: 5 }).map((r) => key(r.ids))).not.toEqual(
      epoch4.map((r) => key(r.ids)),
    );
    expect(epochRows({ ...options, epoch: 4, seed: 1 }).map((r) => key(r.ids))).not.toEqual(
      epoch4.map((r) => key(r.ids)),
    );
  });

  it('uniformProb p moves a fraction p of the examples to a stage drawn from {0, …, steps}', () => {
    const histogram = (uniformProb: number) => {
      const counts = [0, 0, 0, 0];
      for (const row of epochRows({ ...options, epoch: 4, uniformProb }))
        counts[row.stage] = (counts[row.stage] ?? 0) + 1;
      return counts.map((c) => c / 2000);
    };
    // Scheduled stage 2. With p = 0.3: stage 2 keeps 0.7 + 0.3/4 = 0.775, the others 0.075 each; with p = 1 each
    // stage gets 0.25. ±0.03 is over 3 standard deviations of a share at n = 2000 (σ ≤ 0.0097).
    expect(maxArrayDiff(histogram(0.3), [0.075, 0.075, 0.775, 0.075])).toBeLessThan(0.03);
    expect(maxArrayDiff(histogram(1), [0.25, 0.25, 0.25, 0.25])).toBeLessThan(0.03);
    expect(histogram(0)).toEqual([0, 0, 1, 0]);
    // Mixing changes stages only: the order is the same.
    expect(epochRows({ ...options, epoch: 4, uniformProb: 0.3 }).map((r) => key(r.ids))).toEqual(
      epochRows({ ...options, epoch: 4 }).map((r) => key(r.ids)),
    );
  });

  it('lays rows out as the method says', () => {
    const one = { ...options, examples: examples.slice(0, 1), epoch: 2 };
    const ids = (method: Parameters<typeof epochRows>[0]['method']) => epochRows({ ...one, method })[0]?.ids;
    const [B, E, L, P] = [TOKENS.bot, TOKENS.eot, TOKENS.latent, TOKENS.pause];
    expect(ids('coconut')).toEqual([1, 1, 1, 1, B, L, E, 5, 6, 7]);
    expect(ids('pause-as-thought')).toEqual([1, 1, 1, 1, B, P, E, 5, 6, 7]);
    expect(ids('no-thought')).toEqual([1, 1, 1, 1, 5, 6, 7]);
    expect(ids('cot')).toEqual([1, 1, 1, 1, 4, 5, 6, 7]);
    expect(ids('no-cot')).toEqual([1, 1, 1, 1, 7]);
    expect(ids('no-curriculum')).toEqual([1, 1, 1, 1, B, L, L, L, L, L, L, E, 7]);
  });

  it('rejects options that cannot mean anything, naming them', () => {
    expect(failure(() => epochRows({ ...options, epoch: 0, method: 'cot', uniformProb: 0.3 }))).toBe(
      "INVALID_OPTION uniformProb: mixes curriculum stages, but method 'cot' trains a single stage; leave it at 0",
    );
    expect(failure(() => epochRows({ ...options, epoch: 0, uniformProb: 2 }))).toBe(
      'INVALID_OPTION uniformProb: must be a probability in [0, 1] (got 2)',
    );
    expect(failure(() => planEpochs({ ...PROSQA, optimizerReset: 'step' as never }))).toBe(
      "INVALID_OPTION optimizerReset: must be 'stage', 'epoch' or 'never' (got step)",
    );
    expect(failure(() => planEpochs({ ...PROSQA, method: 'icot' as never }))).toBe(
      'INVALID_OPTION method: must be one of cot, no-cot, coconut, no-curriculum, no-thought, pause-as-thought (got icot)',
    );
    const withLatent = { ...examples[0], answer: [7, TOKENS.latent] } as (typeof examples)[0];
    expect(
      failure(() => epochRows({ ...options, examples: [...examples.slice(0, 3), withLatent], epoch: 0 })),
    ).toBe(
      'INVALID_EXAMPLE examples[3].answer: holds the latent placeholder id 15, which would be read as a thought',
    );
    expect(failure(() => epochRows({ ...options, examples: [], epoch: 0 }))).toBe(
      'INVALID_OPTION examples: must hold at least one example',
    );
  });
});
