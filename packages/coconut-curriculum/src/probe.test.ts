import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sharpModel, TINY, TOKENS } from '../test/fixtures.js';
import { continuousForward } from './continuous-forward.js';
import { frontierNodes, probeValues } from './probe.js';
import { thoughtPrompt } from './stages.js';

const QUESTION = [1, 2, 3, 4];
const PREFIX = [5];

describe('probeValues', () => {
  it('is the product of the next-token probabilities of a candidate, read after k thoughts and <eot>', () => {
    const model = sharpModel(TINY, 31);
    const candidates = [[6], [7, 8], [9, 10, 11]];
    const before = tf.memory().numTensors;
    const { values, logValues } = probeValues(model, {
      question: QUESTION,
      thoughts: 2,
      tokens: TOKENS,
      prefix: PREFIX,
      candidates,
    });
    expect(tf.memory().numTensors).toBe(before);
    const context = [...thoughtPrompt({ question: QUESTION, slotCount: 2, tokens: TOKENS }), ...PREFIX];
    for (const [i, candidate] of candidates.entries()) {
      // By hand, from one row's logits: Π_j softmax(z at the column before token j)[token j].
      const byHand = tf.tidy(() => {
        const { logits } = continuousForward(
          model,
          { ids: [[...context, ...candidate]] },
          { latent: TOKENS.latent },
        );
        const probs = tf.softmax(logits).arraySync()[0] as number[][];
        return candidate.reduce((p, token, j) => p * (probs[context.length + j - 1]?.[token] as number), 1);
      });
      expect(Math.abs((values[i] as number) - byHand)).toBeLessThan(1e-6 + 1e-4 * byHand);
      expect(Math.abs(Math.exp(logValues[i] as number) - (values[i] as number))).toBeLessThan(1e-12);
    }
    model.dispose();
  });

  it('sums to 1 over every token as a one-token candidate (the latent placeholder read off the logits)', () => {
    const model = sharpModel(TINY, 32);
    const tokens = Array.from({ length: 16 }, (_, v) => v).filter((v) => v !== TOKENS.latent);
    const { values } = probeValues(model, {
      question: QUESTION,
      thoughts: 1,
      tokens: TOKENS,
      candidates: tokens.map((v) => [v]),
    });
    // A latent id in language would be taken for a thought, so the placeholder cannot be a candidate.
    const context = thoughtPrompt({ question: QUESTION, slotCount: 1, tokens: TOKENS });
    const latent = tf.tidy(() => {
      const { logits } = continuousForward(model, { ids: [context] }, { latent: TOKENS.latent });
      return tf.softmax(logits).arraySync()[0]?.at(-1)?.[TOKENS.latent] as number;
    });
    expect(Math.abs(values.reduce((a, b) => a + b, latent) - 1)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('refuses a candidate or prefix holding the latent placeholder', () => {
    const model = sharpModel(TINY, 33);
    const probe = (prefix: number[], candidates: number[][]) => () =>
      probeValues(model, { question: QUESTION, thoughts: 1, tokens: TOKENS, prefix, candidates });
    expect(probe([], [[1], [2, TOKENS.latent]])).toThrow(
      'candidates[1]: holds the latent placeholder id 15, which would be read as a thought',
    );
    expect(probe([TOKENS.latent], [[1]])).toThrow('prefix: holds the latent placeholder id 15');
    model.dispose();
  });
});

describe('frontierNodes', () => {
  it('is the layer of nodes exactly k edges from the root by their shortest path', () => {
    const graph = {
      root: 0,
      edges: [
        [0, 2],
        [0, 3],
        [2, 4],
        [2, 5],
        [3, 5],
        [3, 6],
        [4, 7],
        [0, 7],
        [1, 6],
      ] as [number, number][],
    };
    expect([0, 1, 2, 3].map((k) => frontierNodes(graph, k))).toEqual([[0], [2, 3, 7], [4, 5, 6], []]);
  });
});
