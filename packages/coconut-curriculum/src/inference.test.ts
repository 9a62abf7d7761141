import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sharpModel, TINY, TOKENS } from '../test/fixtures.js';
import { continuousForward } from './continuous-forward.js';
import { coconutAnswer, generateWithThoughts, inferenceLayout } from './inference.js';
import { thoughtPrompt } from './stages.js';

const QUESTIONS = [
  [1, 2, 3],
  [4, 5],
  [6, 7, 8, 9, 10],
];

// Greedy decoding by full recomputation: the naive continuous forward over prompt + everything generated so far,
// then the first maximal logit of the last position. No KV cache, no generate().
function greedyByHand(model: ReturnType<typeof sharpModel>, prompt: number[], steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const last = tf.tidy(() => {
      const { logits } = continuousForward(
        model,
        { ids: [[...prompt, ...out]] },
        { latent: TOKENS.latent, mode: 'naive' },
      );
      return Array.from(tf.slice(logits, [0, prompt.length + out.length - 1, 0], [1, 1, -1]).dataSync());
    });
    out.push(last.indexOf(Math.max(...last)));
  }
  return out;
}

describe('generateWithThoughts', () => {
  it('continues question <bot> thoughts <eot> greedily, as recomputing everything at every step does', () => {
    const model = sharpModel(TINY, 21);
    const before = tf.memory().numTensors;
    const results = generateWithThoughts(model, {
      questions: QUESTIONS,
      tokens: TOKENS,
      thoughts: 3,
      maxNewTokens: 6,
      batchSize: 2,
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const [i, question] of QUESTIONS.entries()) {
      const prompt = thoughtPrompt({ question, slotCount: 3, tokens: TOKENS });
      expect(results[i]?.tokens, `question ${i}`).toEqual(greedyByHand(model, prompt, 6));
      expect(results[i]).toMatchObject({ stopped: false, thoughts: 3, generatedTokens: 9 });
    }
    // Thoughts matter: the same questions with pause tokens in the slots continue differently.
    const paused = generateWithThoughts(model, {
      questions: QUESTIONS,
      tokens: TOKENS,
      thoughts: 3,
      slots: 'pause',
      maxNewTokens: 6,
    });
    expect(paused.map((r) => r.tokens)).not.toEqual(results.map((r) => r.tokens));
    model.dispose();
  });

  it('counts thoughts and language tokens, not markers, pauses or the stop token', () => {
    const model = sharpModel(TINY, 22);
    const free = generateWithThoughts(model, {
      questions: QUESTIONS,
      tokens: TOKENS,
      thoughts: 2,
      maxNewTokens: 5,
    });
    // Stop row 0 at its third token: two tokens remain, plus two thoughts.
    const stopAt = free[0]?.tokens[2] as number;
    const firstStop = free[0]?.tokens.indexOf(stopAt) as number;
    const stopped = generateWithThoughts(model, {
      questions: QUESTIONS,
      tokens: TOKENS,
      thoughts: 2,
      maxNewTokens: 5,
      stopTokens: [stopAt],
    });
    expect(stopped[0]).toMatchObject({
      tokens: free[0]?.tokens.slice(0, firstStop),
      stopped: true,
      thoughts: 2,
      generatedTokens: 2 + firstStop,
    });
    const paused = generateWithThoughts(model, {
      questions: QUESTIONS,
      tokens: TOKENS,
      thoughts: 2,
      slots: 'pause',
      maxNewTokens: 5,
    });
    expect(paused.map((r) => [r.thoughts, r.generatedTokens])).toEqual(QUESTIONS.map(() => [0, 5]));
    const cot = generateWithThoughts(model, {
      questions: QUESTIONS,
      tokens: TOKENS,
      thoughts: 0,
      slots: 'none',
      maxNewTokens: 4,
    });
    expect(cot.map((r) => r.generatedTokens)).toEqual([4, 4, 4]);
    model.dispose();
  });

  it('decodes and parses answers when given a decoder', () => {
    const model = sharpModel(TINY, 23);
    const letters = '#ab,cdefghijklmn';
    const [result] = generateWithThoughts(model, {
      questions: [[1, 2]],
      tokens: TOKENS,
      thoughts: 1,
      maxNewTokens: 8,
      decode: (ids) => ids.map((id) => letters[id]).join(''),
    });
    const text = result?.tokens.map((id) => letters[id]).join('');
    expect(result?.text).toBe(text);
    expect(result?.answer).toBe(coconutAnswer(text as string));
    model.dispose();
  });
});

describe('coconutAnswer', () => {
  it('takes the text after the last #, without commas, trimmed (the reference rule)', () => {
    expect(coconutAnswer('Tom is a wumpus.\nEvery wumpus is a lempus.\n### Tom is a lempus.')).toBe(
      'Tom is a lempus.',
    );
    expect(coconutAnswer('<<3*4=12>> ### 1,234 ')).toBe('1234');
    expect(coconutAnswer('a # b # c')).toBe('c');
    expect(coconutAnswer(' no marker ')).toBe('no marker');
    expect(coconutAnswer('###')).toBe('');
  });
});

describe('inferenceLayout', () => {
  it('gives each method the prompt the reference code evaluates it with', () => {
    const shape = { maxLatentStage: 6 };
    expect(inferenceLayout({ ...shape, method: 'coconut' })).toEqual({ slots: 'continuous', thoughts: 6 });
    expect(inferenceLayout({ ...shape, method: 'no-curriculum' })).toEqual({
      slots: 'continuous',
      thoughts: 6,
    });
    expect(inferenceLayout({ ...shape, method: 'pause-as-thought' })).toEqual({
      slots: 'pause',
      thoughts: 6,
    });
    for (const method of ['cot', 'no-cot', 'no-thought'] as const) {
      expect(inferenceLayout({ ...shape, method })).toEqual({ slots: 'none', thoughts: 0 });
    }
    expect(inferenceLayout({ method: 'coconut', c: 2, maxLatentStage: 3, stage: 2 })).toEqual({
      slots: 'continuous',
      thoughts: 4,
    });
    expect(inferenceLayout({ method: 'coconut', c: 2, maxLatentStage: 3, stage: 9 }).thoughts).toBe(6);
  });
});
