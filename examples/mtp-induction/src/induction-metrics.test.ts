import { initBackend } from '@beyond-ntp/runtime';
import { evaluateInduction } from '@beyond-ntp/synth-tasks';
import { createModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { inductionMetrics, nextTokenPredictions } from './induction-metrics.js';
import { CONTEXT_LENGTH, storyData } from './stories.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('nextTokenPredictions', () => {
  it('shifts position t − 1 argmax to the guess for token t and drops padding', () => {
    expect(nextTokenPredictions([7, 8, 9, 0, 0], 3)).toEqual([-1, 7, 8]);
  });
});

describe('inductionMetrics', () => {
  it("scores head 0's argmax predictions with synth-tasks' evaluator, reports every head, leaks no tensor", async () => {
    const { tokenizer, test } = storyData(6);
    const config = {
      vocabSize: tokenizer.vocabSize,
      contextLength: CONTEXT_LENGTH,
      dModel: 8,
      nLayers: 2,
      nHeads: 2,
    };
    const model = createModel({ ...config, heads: { count: 2 } }, { seed: 4 });
    try {
      const before = tf.memory().numTensors;
      const metrics = await inductionMetrics({ model, tokenizer, stories: test, chunk: 4 });
      expect(tf.memory().numTensors).toBe(before);
      // The same number, computed story by story without padding.
      const predictions = test.map((story) => {
        const ids = tokenizer.encode(story.text);
        const argmax = tf.tidy(() =>
          tf.argMax(model.forward([ids]).logits[0] as tf.Tensor3D, 2).arraySync(),
        ) as number[][];
        return nextTokenPredictions(argmax[0] as number[], ids.length);
      });
      expect(metrics.induction).toBe(evaluateInduction({ records: test, tokenizer, predictions }).accuracy);
      expect(Object.keys(metrics)).toEqual(['induction', 'nextToken', 'heldOutLoss', 'head1Accuracy']);
      expect(metrics.heldOutLoss).toBeCloseTo(Math.log(tokenizer.vocabSize), 0);
    } finally {
      model.dispose();
    }
  });
});
