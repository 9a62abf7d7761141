import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { VARIANTS } from '../test/variants.js';
import { ModelError } from './errors.js';
import { generate } from './generate.js';
import { createModel, type TransformerModel } from './model.js';

// Greedy decoding the slow way: a full forward over the whole sequence for every new token, no cache.
function greedyWithoutCache(model: TransformerModel, prompt: number[], maxNewTokens: number): number[] {
  const sequence = [...prompt];
  for (let i = 0; i < maxNewTokens; i++) {
    const next = tf.tidy(() => {
      const logits = model.forward([sequence]).logits[0] as tf.Tensor3D;
      return tf.argMax(tf.slice(logits, [0, sequence.length - 1, 0], [1, 1, -1]), -1).dataSync()[0] ?? -1;
    });
    sequence.push(next);
  }
  return sequence.slice(prompt.length);
}

describe.each(VARIANTS)('generate: %s', (_, config) => {
  it('greedy KV-cached decoding equals greedy full recomputation and leaves no tensors', () => {
    // A larger init spread gives peaked logits, so float rounding cannot flip an argmax between the two paths.
    const model = createModel(config, { seed: 11 });
    for (const p of Object.values(model.params)) if (p.rank === 2) p.assign(tf.tidy(() => tf.mul(p, 20)));
    const before = tf.memory().numTensors;
    const tokens = generate(model, [1, 2], { maxNewTokens: 10, temperature: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(tokens).toHaveLength(10);
    expect(tokens).toEqual(greedyWithoutCache(model, [1, 2], 10));
    model.dispose();
  });
});

describe('generate', () => {
  const model = createModel(
    { vocabSize: 13, contextLength: 16, dModel: 8, nLayers: 2, nHeads: 2 },
    { seed: 3 },
  );

  it('samples reproducibly from the seed and leaves no tensors', () => {
    const options = { maxNewTokens: 12, temperature: 1.5, seed: 5 };
    const before = tf.memory().numTensors;
    const a = generate(model, [0], options);
    expect(tf.memory().numTensors).toBe(before);
    expect(generate(model, [0], options)).toEqual(a);
    expect(generate(model, [0], { ...options, seed: 6 })).not.toEqual(a);
    for (const id of a) expect(id >= 0 && id < 13).toBe(true);
  });

  it('stops after a stop token and includes it', () => {
    const free = generate(model, [4, 2], { maxNewTokens: 12, temperature: 2, seed: 1 });
    const stopAt = free.findIndex((id, i) => i > 0 && !free.slice(0, i).includes(id));
    const stopToken = free[stopAt] as number;
    expect(
      generate(model, [4, 2], { maxNewTokens: 12, temperature: 2, seed: 1, stopTokens: [stopToken] }),
    ).toEqual(free.slice(0, stopAt + 1));
  });

  it('returns nothing for maxNewTokens 0 and fills the context exactly', () => {
    expect(generate(model, [1], { maxNewTokens: 0 })).toEqual([]);
    expect(generate(model, [1, 2, 3, 4, 5, 6], { maxNewTokens: 11, temperature: 0 })).toHaveLength(11);
  });

  it.each([
    [[], { maxNewTokens: 1 }, 'prompt must hold at least one token id'],
    [[13], { maxNewTokens: 1 }, 'token id 13 is not an integer in [0, 13)'],
    [[1], { maxNewTokens: 1, stopTokens: [-1] }, 'token id -1'],
    [[1, 2], { maxNewTokens: 16 }, 'exceeds contextLength 16'],
    [[1], { maxNewTokens: 1.5 }, 'maxNewTokens must be a non-negative integer'],
    [[1], { maxNewTokens: 1, temperature: -1 }, 'temperature must be ≥ 0'],
    [[1], { maxNewTokens: 1, topK: 0 }, 'topK must be an integer ≥ 1'],
    [[1], { maxNewTokens: 1, topP: 0 }, 'topP must be in (0, 1]'],
  ])('rejects prompt %j with %j', (prompt, options, message) => {
    let error: unknown;
    try {
      generate(model, prompt, options);
    } catch (e) {
      error = e;
    }
    expect(ModelError.isInstance(error) && error.code).toBe('INPUT_INVALID');
    expect(String(error)).toContain(message);
  });
});
