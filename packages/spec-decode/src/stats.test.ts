import { createModel, generate, type TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreeingHeadsModel } from '../test/models.js';
import { referenceStats } from '../test/reference-stats.js';
import { speculativeGenerate } from './speculative-generate.js';

describe('stats on hand-built models', () => {
  // Every head always drafts the greedy token: the first forward (the prompt) gives 1 token, every later one k,
  // except that the last gives only what is still wanted.
  it.each([1, 2, 3, 4])('heads that always agree, k = %i: 1 + t·k tokens take 1 + t forwards', (k) => {
    const model = agreeingHeadsModel(k);
    const runs: Array<[number, number]> = [
      [3, 0],
      [2, k - 1],
    ];
    for (const [t, rest] of runs) {
      const maxNewTokens = 1 + t * k + rest;
      const { tokens, stats } = speculativeGenerate(model, [1, 2], {
        maxNewTokens,
        temperature: 0,
        drafter: { heads: k },
      });
      // The prompt's forward gains 1, then t forwards gain k, then one gains the rest.
      const acceptedLengths = Array.from(
        { length: k + 1 },
        (_, n) => (n === 1 ? 1 : 0) + (n === k ? t : 0) + (rest > 0 && n === rest ? 1 : 0),
      );
      const forwards = 1 + t + (rest === 0 ? 0 : 1);
      expect(tokens).toEqual(generate(model, [1, 2], { maxNewTokens, temperature: 0 }));
      expect(stats.forwards).toEqual({ target: forwards, draft: 0 });
      expect(stats.acceptedLengths).toEqual(acceptedLengths);
      expect(stats.tokens).toBe(maxNewTokens);
      expect(stats.tokensPerForward).toBe(maxNewTokens / forwards);
    }
    model.dispose();
  });

  it('in the long run heads that always agree give k tokens per forward', () => {
    const model = agreeingHeadsModel(4);
    const { stats } = speculativeGenerate(model, [1], {
      maxNewTokens: 29,
      temperature: 0,
      drafter: { heads: 4 },
    });
    expect(stats.acceptedLengths).toEqual([0, 1, 0, 0, 7]);
    expect((stats.tokens - 1) / (stats.forwards.target - 1)).toBe(4); // after the prompt's forward
    model.dispose();
  });

  it('the target as its own draft model: γ drafts per target forward, all accepted', () => {
    const model = agreeingHeadsModel(1);
    for (const tokens of [1, 2, 3, 4]) {
      const maxNewTokens = 2 * (tokens + 1);
      const { stats } = speculativeGenerate(model, [5], {
        maxNewTokens,
        temperature: 0,
        drafter: { model, tokens },
      });
      expect(stats.forwards).toEqual({ target: 2, draft: 2 * tokens });
      expect(stats.acceptedLengths).toEqual([...new Array<number>(tokens + 1).fill(0), 2]);
      expect(stats.tokensPerForward).toBe(tokens + 1);
    }
    model.dispose();
  });

  it('a batch counts one accepted length per row and forward; a stopped row stops counting', () => {
    const model = agreeingHeadsModel(3);
    const greedy = generate(model, [1], { maxNewTokens: 1, temperature: 0 })[0] as number;
    const batch = [[1], [2, 3], [4]];
    const { stats } = speculativeGenerate(model, batch, {
      maxNewTokens: 7,
      temperature: 0,
      drafter: { heads: 3 },
    });
    expect(stats.forwards.target).toBe(3); // 1 + 3 + 3 tokens per row
    expect(stats.acceptedLengths).toEqual([0, 3, 0, 6]);
    expect(stats.tokens).toBe(21);
    // With the greedy token as stop token every row stops after its first token, in the prompt's forward.
    const stopped = speculativeGenerate(model, batch, {
      maxNewTokens: 7,
      temperature: 0,
      stopTokens: [greedy],
      drafter: { heads: 3 },
    });
    expect(stopped.tokens).toEqual([[greedy], [greedy], [greedy]]);
    expect(stopped.stats.forwards.target).toBe(1);
    expect(stopped.stats.acceptedLengths).toEqual([0, 3, 0, 0]);
    model.dispose();
  });

  it('no tokens wanted: no forward, tokens per forward 0', () => {
    const model = agreeingHeadsModel(2);
    const { tokens, stats } = speculativeGenerate(model, [1], { maxNewTokens: 0 });
    expect(tokens).toEqual([]);
    expect(stats).toMatchObject({ forwards: { target: 0, draft: 0 }, tokens: 0, tokensPerForward: 0 });
    expect(stats.acceptedLengths).toEqual([0, 0, 0]);
    model.dispose();
  });
});

// Random models over 4 tokens draft the greedy token by chance about one time in four, so accepted lengths vary.
// The weights are scaled up so that no argmax is a near tie that float rounding could flip between the decoder's
// cached forwards and the reference's one full forward.
function peakedModel(seed: number, heads: number, type: 'linear' | 'transformer'): TransformerModel {
  const model = createModel(
    { vocabSize: 4, contextLength: 24, dModel: 8, nLayers: 2, nHeads: 2, heads: { count: heads, type } },
    { seed },
  );
  for (const p of Object.values(model.params)) if (p.rank === 2) p.assign(tf.tidy(() => tf.mul(p, 20)));
  return model;
}

describe('stats equal a replay of the greedy output', () => {
  it('heads drafter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('linear' as const, 'transformer' as const),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        (seed, k, type, prompt) => {
          const model = peakedModel(seed, k, type);
          const drafter = { heads: k };
          const { tokens, stats } = speculativeGenerate(model, prompt, {
            maxNewTokens: 16,
            temperature: 0,
            drafter,
          });
          expect(tokens).toEqual(generate(model, prompt, { maxNewTokens: 16, temperature: 0 }));
          const reference = referenceStats(model, prompt, tokens, drafter);
          expect(stats.forwards).toEqual({ target: reference.target, draft: 0 });
          expect(stats.acceptedLengths).toEqual(
            Array.from({ length: k + 1 }, (_, n) => reference.acceptedLengths[n] ?? 0),
          );
          model.dispose();
        },
      ),
      { numRuns: 15, seed: 3 },
    );
  });

  it('draft model', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        (seed, tokensPerDraft, prompt) => {
          const model = peakedModel(seed, 1, 'transformer');
          const draft = peakedModel(seed + 1, 1, 'linear');
          const drafter = { model: draft, tokens: tokensPerDraft };
          const { tokens, stats } = speculativeGenerate(model, prompt, {
            maxNewTokens: 16,
            temperature: 0,
            drafter,
          });
          const reference = referenceStats(model, prompt, tokens, drafter);
          expect(stats.forwards).toEqual({ target: reference.target, draft: reference.draft });
          expect(stats.acceptedLengths).toEqual(
            Array.from({ length: tokensPerDraft + 2 }, (_, n) => reference.acceptedLengths[n] ?? 0),
          );
          model.dispose();
          draft.dispose();
        },
      ),
      { numRuns: 15, seed: 4 },
    );
  });
});
