import { initBackend } from '@beyond-ntp/runtime';
import { createModel, generate } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { greedyDecode } from './decode.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('greedyDecode', () => {
  const prompts = [
    [1, 2, 3, 4],
    [4, 3, 2, 1],
    [0, 7, 0, 7],
  ];

  it('with every id allowed, equals transformer-core greedy generation one prompt at a time', () => {
    const model = createModel(
      { vocabSize: 8, contextLength: 12, dModel: 16, nLayers: 2, nHeads: 2 },
      { seed: 3 },
    );
    const all = [...Array(8).keys()];
    const batched = greedyDecode({ model, prompts, steps: 5, allowed: all, chunk: 2 });
    expect(batched).toEqual(prompts.map((p) => generate(model, p, { maxNewTokens: 5, temperature: 0 })));
    model.dispose();
  });

  it('emits only allowed ids and leaves no tensor behind', () => {
    const model = createModel(
      { vocabSize: 8, contextLength: 12, dModel: 16, nLayers: 1, nHeads: 2 },
      { seed: 5 },
    );
    const before = tf.memory().numTensors;
    const out = greedyDecode({ model, prompts, steps: 6, allowed: [2, 5] });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.flat().every((id) => id === 2 || id === 5)).toBe(true);
    expect(out.map((row) => row.length)).toEqual([6, 6, 6]);
    model.dispose();
  });
});
