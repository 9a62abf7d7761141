import { initBackend } from '@beyond-ntp/runtime';
import { createModel, generate } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Decoder,
  type DecoderMeasurement,
  measureDecoders,
  pairedSpeedups,
  tokensPerForwardBound,
} from './measure.js';
import { decodersFor } from './run.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const prompts = [
  [3, 1, 4, 1],
  [5, 9, 2],
  [6, 5, 3, 5, 8],
];

describe('measureDecoders', () => {
  it('self-speculative decoding with k = 1 … 4 heads reproduces greedy generate, and the stats add up', () => {
    const model = createModel(
      { vocabSize: 10, contextLength: 24, dModel: 16, nLayers: 2, nHeads: 2, heads: { count: 4 } },
      { seed: 11 },
    );
    const before = tf.memory().numTensors;
    const maxNewTokens = 15;
    const measured = measureDecoders({ decoders: decodersFor(model, maxNewTokens), prompts, rounds: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(measured.map((m) => m.name)).toEqual(['greedy', 'k1', 'k2', 'k3', 'k4']);
    const greedy = prompts.map((p) => generate(model, p, { maxNewTokens, temperature: 0 }));
    for (const [i, m] of measured.entries()) {
      expect(m.tokens).toEqual(greedy);
      expect(m.mismatches).toBe(0);
      expect(m.roundMs).toHaveLength(2);
      if (i === 0) {
        expect(m.stats).toBeUndefined();
        continue;
      }
      const stats = m.stats as NonNullable<DecoderMeasurement['stats']>;
      // Every forward gains 1 … k tokens and the gains add up to the tokens returned.
      expect(stats.tokens).toBe(prompts.length * maxNewTokens);
      expect(stats.acceptedLengths).toHaveLength(i + 1);
      expect(stats.acceptedLengths.reduce((a, b) => a + b, 0)).toBe(stats.forwards);
      expect(stats.acceptedLengths.reduce((sum, count, n) => sum + n * count, 0)).toBe(stats.tokens);
      expect(stats.tokens / stats.forwards).toBeLessThanOrEqual(
        tokensPerForwardBound(maxNewTokens, i) + 1e-12,
      );
      if (i === 1) expect(stats.forwards).toBe(stats.tokens);
    }
    model.dispose();
  });

  it('counts the prompts on which a decoder departs from the reference', () => {
    const reference: Decoder = { name: 'ref', decode: (p) => ({ tokens: [...p, 0] }) };
    const offOnShort: Decoder = {
      name: 'off',
      decode: (p) => ({ tokens: p.length < 4 ? [...p, 1] : [...p, 0] }),
    };
    const [, off] = measureDecoders({ decoders: [reference, offOnShort], prompts, rounds: 1 });
    expect(off?.mismatches).toBe(1);
    expect(off?.tokens[1]).toEqual([5, 9, 2, 1]);
  });

  it('warms up untimed, then alternates the order of the decoders round by round', () => {
    const calls: string[] = [];
    const logging = (name: string): Decoder => ({
      name,
      decode: (p) => {
        calls.push(name);
        return { tokens: p };
      },
    });
    const rounds: number[] = [];
    const measured = measureDecoders({
      decoders: [logging('a'), logging('b'), logging('c')],
      prompts: [[1]],
      rounds: 3,
      onRound: (r) => rounds.push(r),
    });
    expect(calls.join('')).toBe('abc' + 'abc' + 'cba' + 'abc');
    expect(rounds).toEqual([0, 1, 2, 3]);
    expect(measured.map((m) => m.roundMs.length)).toEqual([3, 3, 3]);
  });
});

describe('pairedSpeedups and tokensPerForwardBound', () => {
  it('divides the reference time by the other decoder’s round by round', () => {
    const at = (roundMs: number[]): DecoderMeasurement => ({ name: 'x', roundMs, tokens: [], mismatches: 0 });
    expect(pairedSpeedups(at([10, 30, 20]), at([5, 10, 40]))).toEqual([2, 3, 0.5]);
  });

  it('is 1 for one head and n / (1 + ⌈(n − 1)/k⌉) otherwise', () => {
    expect(tokensPerForwardBound(81, 1)).toBe(1);
    expect(tokensPerForwardBound(81, 4)).toBe(81 / 21);
    expect(tokensPerForwardBound(12, 4)).toBe(12 / 4);
    expect(tokensPerForwardBound(1, 4)).toBe(1);
  });
});
