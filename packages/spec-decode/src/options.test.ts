import { BeyondNtpError, createModel, generate, ModelError } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecDecodeError } from './errors.js';
import type { SpeculativeOptions } from './options.js';
import { speculativeGenerate } from './speculative-generate.js';

const model = createModel(
  { vocabSize: 11, contextLength: 12, dModel: 8, nLayers: 2, nHeads: 2, heads: { count: 2 } },
  { seed: 1 },
);
afterAll(() => model.dispose());

function errorOf(call: () => unknown): SpecDecodeError {
  try {
    call();
  } catch (error) {
    if (SpecDecodeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a SpecDecodeError');
}

describe('invalid input is refused with a SpecDecodeError naming the field', () => {
  const base: SpeculativeOptions = { maxNewTokens: 3 };
  it.each([
    ['an empty prompt', [], base, 'INVALID_PROMPT', 'prompt'],
    ['an empty prompt row', [[1], []], base, 'INVALID_PROMPT', 'prompt[1]'],
    ['an id outside the vocabulary', [1, 11], base, 'INVALID_PROMPT', 'prompt[1]'],
    ['a fractional id in a batch row', [[1], [2, 0.5]], base, 'INVALID_PROMPT', 'prompt[1][1]'],
    ['a negative maxNewTokens', [1], { maxNewTokens: -1 }, 'INVALID_OPTION', 'maxNewTokens'],
    ['a negative temperature', [1], { ...base, temperature: -1 }, 'INVALID_OPTION', 'temperature'],
    ['topK 0', [1], { ...base, topK: 0 }, 'INVALID_OPTION', 'topK'],
    ['topP 0', [1], { ...base, topP: 0 }, 'INVALID_OPTION', 'topP'],
    [
      'a stop token outside the vocabulary',
      [1],
      { ...base, stopTokens: [3, 12] },
      'INVALID_OPTION',
      'stopTokens[1]',
    ],
    ['one seed too few', [[1], [2]], { ...base, seed: [1] }, 'INVALID_OPTION', 'seed'],
    [
      'more heads than the model has',
      [1],
      { ...base, drafter: { heads: 3 } },
      'INVALID_OPTION',
      'drafter.heads',
    ],
    ['0 heads', [1], { ...base, drafter: { heads: 0 } }, 'INVALID_OPTION', 'drafter.heads'],
    [
      'a draft model that is not a model',
      [1],
      { ...base, drafter: { model: {}, tokens: 2 } },
      'INVALID_OPTION',
      'drafter.model',
    ],
    ['0 draft tokens', [1], { ...base, drafter: { model, tokens: 0 } }, 'INVALID_OPTION', 'drafter.tokens'],
  ] as Array<[string, number[] | number[][], SpeculativeOptions, string, string]>)(
    '%s',
    (_, prompt, options, code, field) => {
      const error = errorOf(() => speculativeGenerate(model, prompt as number[][], options));
      expect(error.code).toBe(code);
      expect(error.field).toBe(field);
      expect(error.message.startsWith(`\`${field}\`: `)).toBe(true);
    },
  );

  it('a draft model with another vocabulary or a shorter context', () => {
    const otherVocabulary = createModel({
      vocabSize: 12,
      contextLength: 12,
      dModel: 8,
      nLayers: 1,
      nHeads: 2,
    });
    const shorter = createModel({ vocabSize: 11, contextLength: 6, dModel: 8, nLayers: 1, nHeads: 2 });
    const vocabulary = errorOf(() =>
      speculativeGenerate(model, [1], { maxNewTokens: 3, drafter: { model: otherVocabulary, tokens: 2 } }),
    );
    expect(vocabulary).toMatchObject({ code: 'DRAFT_MODEL_MISMATCH', field: 'drafter.model' });
    expect(vocabulary.message).toContain('vocabSize 12 but the target has 11');
    const context = errorOf(() =>
      speculativeGenerate(model, [1, 2, 3], { maxNewTokens: 5, drafter: { model: shorter, tokens: 2 } }),
    );
    expect(context).toMatchObject({ code: 'DRAFT_MODEL_MISMATCH', field: 'drafter.model' });
    expect(context.message).toContain(
      '(3) + maxNewTokens (5) − 1 exceeds the contextLength of the draft model (6)',
    );
    otherVocabulary.dispose();
    shorter.dispose();
  });

  it('the context limit is generate’s: prompt + maxNewTokens − 1 ≤ contextLength', () => {
    const atLimit = new Array<number>(8).fill(1); // 8 + 5 − 1 = 12
    expect(speculativeGenerate(model, atLimit, { maxNewTokens: 5, temperature: 0 }).tokens).toEqual(
      generate(model, atLimit, { maxNewTokens: 5, temperature: 0 }),
    );
    const error = errorOf(() => speculativeGenerate(model, [...atLimit, 1], { maxNewTokens: 5 }));
    expect(error).toMatchObject({ code: 'INVALID_PROMPT', field: 'prompt' });
    expect(error.message).toContain(
      'the longest prompt row (9) + maxNewTokens (5) − 1 exceeds the contextLength',
    );
    expect(() => generate(model, [...atLimit, 1], { maxNewTokens: 5 })).toThrow(/exceeds contextLength/);
  });

  it('nothing is allocated by a refused call, and isInstance recognises the error as the project’s', () => {
    const before = tf.memory().numTensors;
    const error = errorOf(() => speculativeGenerate(model, [1], { maxNewTokens: 2, drafter: { heads: 5 } }));
    expect(tf.memory().numTensors).toBe(before);
    expect(SpecDecodeError.isInstance(error)).toBe(true);
    expect(BeyondNtpError.isInstance(error)).toBe(true);
    expect(SpecDecodeError.isInstance(new ModelError('INPUT_INVALID', 'other'))).toBe(false);
    expect(error.name).toBe('SpecDecodeError');
  });
});
