import { describe, expect, it } from 'vitest';
import { failure, TOKENS } from '../test/fixtures.js';
import { IGNORE_LABEL, stageExample, stageShape, thoughtPrompt } from './stages.js';

const [B, E, Lt, P] = [TOKENS.bot, TOKENS.eot, TOKENS.latent, TOKENS.pause];
const _ = IGNORE_LABEL;
// question [1, 2]; steps [3], [4, 5], [6]; answer [7, 8] (as if "### answer" + EOS).
const EXAMPLE = { question: [1, 2], steps: [[3], [4, 5], [6]], answer: [7, 8] };

function staged(stage: number, options: Partial<Parameters<typeof stageExample>[0]> = {}) {
  const { ids, labels, slotCount, removedSteps } = stageExample({
    example: EXAMPLE,
    stage,
    maxLatentStage: 6,
    tokens: TOKENS,
    ...options,
  });
  return { ids, labels, slotCount, removedSteps };
}

describe('stageExample', () => {
  it('stage k replaces the first k steps by k continuous thoughts, for k = 0 … steps + 1 (c = 1, max stage 6)', () => {
    expect(staged(0)).toEqual({
      ids: [1, 2, B, E, 3, 4, 5, 6, 7, 8],
      labels: [_, _, _, _, 3, 4, 5, 6, 7, 8],
      slotCount: 0,
      removedSteps: 0,
    });
    expect(staged(1)).toEqual({
      ids: [1, 2, B, Lt, E, 4, 5, 6, 7, 8],
      labels: [_, _, _, _, _, 4, 5, 6, 7, 8],
      slotCount: 1,
      removedSteps: 1,
    });
    expect(staged(2)).toEqual({
      ids: [1, 2, B, Lt, Lt, E, 6, 7, 8],
      labels: [_, _, _, _, _, _, 6, 7, 8],
      slotCount: 2,
      removedSteps: 2,
    });
    expect(staged(3)).toEqual({
      ids: [1, 2, B, Lt, Lt, Lt, E, 7, 8],
      labels: [_, _, _, _, _, _, _, 7, 8],
      slotCount: 3,
      removedSteps: 3,
    });
    // Past the step count (but not past maxLatentStage): every step is gone, and the stage still sets the
    // thought count, as in the reference code.
    expect(staged(4)).toEqual({
      ids: [1, 2, B, Lt, Lt, Lt, Lt, E, 7, 8],
      labels: [_, _, _, _, _, _, _, _, 7, 8],
      slotCount: 4,
      removedSteps: 3,
    });
  });

  it('c = 2 puts two thoughts per removed step; past maxLatentStage every step goes (pad to max, or not)', () => {
    const shape = { c: 2, maxLatentStage: 2 };
    expect(staged(1, shape).ids).toEqual([1, 2, B, Lt, Lt, E, 4, 5, 6, 7, 8]);
    expect(staged(2, shape).ids).toEqual([1, 2, B, Lt, Lt, Lt, Lt, E, 6, 7, 8]);
    expect(staged(3, shape)).toEqual({
      ids: [1, 2, B, Lt, Lt, Lt, Lt, E, 7, 8],
      labels: [_, _, _, _, _, _, _, _, 7, 8],
      slotCount: 4,
      removedSteps: 3,
    });
    expect(staged(4, shape).ids).toEqual(staged(3, shape).ids);
    // One step only: the padded layout keeps maxLatentStage · c thoughts, the unpadded one min(1, 2) · c.
    const short = { question: [1], steps: [[3, 4]], answer: [7] };
    const last = (padLatentToMax: boolean) =>
      stageExample({ example: short, stage: 3, tokens: TOKENS, ...shape, padLatentToMax }).ids;
    expect(last(true)).toEqual([1, B, Lt, Lt, Lt, Lt, E, 7]);
    expect(last(false)).toEqual([1, B, Lt, Lt, E, 7]);
  });

  it('pause slots hold <pause>; no slots means no markers either (CoT, no-CoT, "w/o thought")', () => {
    expect(staged(2, { slots: 'pause' })).toEqual({
      ids: [1, 2, B, P, P, E, 6, 7, 8],
      labels: [_, _, _, _, _, _, 6, 7, 8],
      slotCount: 2,
      removedSteps: 2,
    });
    expect(staged(0, { slots: 'none' })).toEqual({
      ids: [1, 2, 3, 4, 5, 6, 7, 8],
      labels: [_, _, 3, 4, 5, 6, 7, 8],
      slotCount: 0,
      removedSteps: 0,
    });
    expect(staged(2, { slots: 'none' })).toEqual({
      ids: [1, 2, 6, 7, 8],
      labels: [_, _, 6, 7, 8],
      slotCount: 0,
      removedSteps: 2,
    });
    expect(staged(7, { slots: 'none' }).ids).toEqual([1, 2, 7, 8]);
  });

  it('an example without steps is question then answer at every stage', () => {
    const bare = { question: [1], steps: [], answer: [7, 8] };
    expect(stageExample({ example: bare, stage: 0, maxLatentStage: 2, tokens: TOKENS }).ids).toEqual([
      1,
      B,
      E,
      7,
      8,
    ]);
    expect(stageExample({ example: bare, stage: 2, maxLatentStage: 2, tokens: TOKENS }).ids).toEqual([
      1,
      B,
      Lt,
      Lt,
      E,
      7,
      8,
    ]);
  });

  it('rejects malformed examples and options, naming the field', () => {
    const stage =
      (example: unknown, extra: object = {}) =>
      () =>
        stageExample({ example: example as never, stage: 1, maxLatentStage: 2, tokens: TOKENS, ...extra });
    expect(failure(stage({ ...EXAMPLE, question: [] }))).toBe(
      'INVALID_EXAMPLE example.question: must be a non-empty array of token ids (got [])',
    );
    expect(failure(stage({ ...EXAMPLE, steps: [[1], [2.5]] }))).toBe(
      'INVALID_EXAMPLE example.steps[1][0]: must be a non-negative integer token id (got 2.5)',
    );
    expect(failure(stage({ ...EXAMPLE, steps: 'a b' }))).toBe(
      'INVALID_EXAMPLE example.steps: must be an array of token-id arrays (got "a b")',
    );
    expect(failure(stage({ ...EXAMPLE, steps: [[1], [2, Lt]] }))).toBe(
      'INVALID_EXAMPLE example.steps[1]: holds the latent placeholder id 15, which would be read as a thought',
    );
    expect(failure(stage(EXAMPLE, { stage: -1 }))).toBe(
      'INVALID_OPTION stage: expected an integer >= 0, got -1',
    );
    expect(failure(stage(EXAMPLE, { c: 0 }))).toBe('INVALID_OPTION c: expected an integer >= 1, got 0');
    expect(failure(stage(EXAMPLE, { slots: 'pause', tokens: { ...TOKENS, pause: undefined } }))).toBe(
      'INVALID_OPTION tokens.pause: must be a non-negative integer token id (got undefined)',
    );
    expect(failure(() => thoughtPrompt({ question: [1], slotCount: 2, slots: 'none', tokens: TOKENS }))).toBe(
      "INVALID_OPTION slotCount: must be 0 with slots: 'none' (got 2)",
    );
  });
});

describe('stageShape and thoughtPrompt', () => {
  it('give the prompt a model continues at inference', () => {
    expect(thoughtPrompt({ question: [1, 2], slotCount: 3, tokens: TOKENS })).toEqual([
      1,
      2,
      B,
      Lt,
      Lt,
      Lt,
      E,
    ]);
    expect(thoughtPrompt({ question: [1, 2], slotCount: 0, slots: 'none', tokens: TOKENS })).toEqual([1, 2]);
    expect(stageShape({ stage: 9, stepCount: 4, maxLatentStage: 6, c: 2 })).toEqual({
      removedSteps: 4,
      slotCount: 12,
    });
  });
});
