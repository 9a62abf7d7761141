import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TINY, VARIANTS } from '../test/variants.js';
import { decodeStep } from './decode-step.js';
import { ModelError } from './errors.js';
import { type GenerateOptions, generate } from './generate.js';
import { KVCache } from './kv-cache.js';
import { leftPad } from './left-padding.js';
import { createModel, type TransformerModel } from './model.js';
import { type SamplingOptions, sampleToken, samplingDistribution, seededRandom } from './sample.js';

// Decoding the slow way, as nanoGPT does: a full forward (no cache) over the last contextLength tokens for every
// new token, then the documented distribution and one draw from seededRandom(seed).
function naiveDecode(
  model: TransformerModel,
  prompt: number[],
  { maxNewTokens, seed = 0, ...sampling }: SamplingOptions & { maxNewTokens: number; seed?: number },
): number[] {
  const sequence = [...prompt];
  const random = seededRandom(seed);
  for (let i = 0; i < maxNewTokens; i++) {
    const window = sequence.slice(-model.config.contextLength);
    const logits = tf.tidy(() => {
      const l = model.forward([window]).logits[0] as tf.Tensor3D;
      return tf.slice(l, [0, window.length - 1, 0], [1, 1, -1]).dataSync();
    });
    sequence.push(sampleToken(samplingDistribution(logits, sampling), random()));
  }
  return sequence.slice(prompt.length);
}

// A larger init spread gives peaked logits, so float rounding cannot flip an argmax or a draw between two ways of
// computing the same logits (cached stock ops vs the fused kernels over whole sequences).
function peakedModel(config: Parameters<typeof createModel>[0], seed: number): TransformerModel {
  const model = createModel(config, { seed });
  for (const p of Object.values(model.params)) if (p.rank === 2) p.assign(tf.tidy(() => tf.mul(p, 20)));
  return model;
}

const prompts = [[1, 2, 3, 4, 5], [7], [3, 9, 2]];

describe.each(VARIANTS)('generate: %s', (_, config) => {
  it('greedy and seeded sampling equal a full recomputation per token, and leave no tensors', () => {
    const model = peakedModel(config, 11);
    const before = tf.memory().numTensors;
    for (const options of [
      { maxNewTokens: 10, temperature: 0 },
      { maxNewTokens: 10, temperature: 20, topK: 5, topP: 0.9, seed: 3 },
    ]) {
      const tokens = generate(model, [1, 2], options);
      expect(tf.memory().numTensors).toBe(before);
      expect(tokens).toHaveLength(10);
      expect(tokens).toEqual(naiveDecode(model, [1, 2], options));
    }
    model.dispose();
  });

  it('a batch of prompts of different lengths gives each row the tokens of that prompt alone', () => {
    const model = peakedModel(config, 12);
    const before = tf.memory().numTensors;
    for (const options of [
      { maxNewTokens: 6, temperature: 0 },
      { maxNewTokens: 6, temperature: 20, topP: 0.95, seed: 40 },
      { maxNewTokens: 6, temperature: 20, seed: [5, 1, 9] },
    ]) {
      const batched = generate(model, prompts, options);
      expect(tf.memory().numTensors).toBe(before);
      const { seed = 0 } = options as GenerateOptions;
      const seeds = Array.isArray(seed) ? seed : prompts.map((_, b) => seed + b);
      prompts.forEach((prompt, b) => {
        expect(batched[b], `row ${b}`).toEqual(generate(model, prompt, { ...options, seed: seeds[b] }));
      });
    }
    model.dispose();
  });

  it.each([
    ['greedy', { maxNewTokens: 12, temperature: 0, slideWindow: true }],
    ['sampled', { maxNewTokens: 12, temperature: 20, seed: 2, slideWindow: true }],
  ])(
    'slides the context window like nanoGPT (%s): equal to recomputing from the last contextLength tokens',
    (_, options) => {
      const model = peakedModel(config, 13);
      const long = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2]; // 13 > contextLength 12
      const before = tf.memory().numTensors;
      expect(generate(model, [4, 2], options)).toEqual(naiveDecode(model, [4, 2], options));
      const batched = generate(model, [long, [4, 2]], { ...options, seed: [7, 8] });
      expect(batched).toEqual([
        naiveDecode(model, long, { ...options, seed: 7 }),
        naiveDecode(model, [4, 2], { ...options, seed: 8 }),
      ]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    },
  );

  it('takes input embeddings as the prompt, alone or as a left-padded batch', () => {
    const model = peakedModel(config, 14);
    const options = { maxNewTokens: 8, temperature: 20, seed: 6 };
    const single = model.embed([[3, 9, 2]]);
    const padded = leftPad(prompts);
    const batch = model.embed(padded.ids);
    const before = tf.memory().numTensors;
    expect(generate(model, { inputsEmbeds: single }, options)).toEqual([generate(model, [3, 9, 2], options)]);
    const fromEmbeds = generate(model, { inputsEmbeds: batch, attentionMask: padded.attentionMask }, options);
    expect(fromEmbeds).toEqual(generate(model, prompts, options));
    // Sliding past the window re-reads the prompt embeddings that are still visible.
    const sliding = { maxNewTokens: 12, temperature: 0, slideWindow: true };
    expect(generate(model, { inputsEmbeds: single }, sliding)).toEqual([
      naiveDecode(model, [3, 9, 2], sliding),
    ]);
    expect(tf.memory().numTensors).toBe(before);
    expect(single.isDisposed || batch.isDisposed).toBe(false);
    tf.dispose([single, batch]);
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

  it('samples exactly from samplingDistribution(decodeStep logits) with seededRandom(seed): the documented loop', () => {
    const options = { temperature: 1.3, topK: 6, topP: 0.9 };
    const prompt = [4, 2, 7];
    const cache = new KVCache();
    const random = seededRandom(21);
    const tokens: number[] = [];
    let input = [prompt];
    for (let i = 0; i < 10; i++) {
      const [[[logits] = []] = []] = decodeStep(model, input, { kvCache: cache });
      const token = sampleToken(samplingDistribution(logits as Float32Array, options), random());
      tokens.push(token);
      input = [[token]];
    }
    cache.dispose();
    expect(generate(model, prompt, { ...options, maxNewTokens: 10, seed: 21 })).toEqual(tokens);
  });

  it('stops each row after its own stop token (included) while the others go on', () => {
    const options: GenerateOptions = { maxNewTokens: 10, temperature: 2, seed: 1 };
    const free = generate(model, [[4, 2], [0]], options);
    const row0 = free[0] as number[];
    // The first token row 0 produces after step 1 that row 1 never produces: row 0 stops there, row 1 runs on.
    const at = row0.findIndex((id, i) => i > 0 && !row0.slice(0, i).includes(id) && !free[1]?.includes(id));
    expect(at).toBeGreaterThan(0);
    const stopToken = row0[at] as number;
    const stopped = generate(model, [[4, 2], [0]], { ...options, stopTokens: [stopToken] });
    expect(stopped).toEqual([row0.slice(0, at + 1), free[1]]);
    expect(generate(model, [4, 2], { ...options, stopTokens: [stopToken] })).toEqual(row0.slice(0, at + 1));
  });

  it('returns nothing for maxNewTokens 0 and fills the context exactly', () => {
    expect(generate(model, [1], { maxNewTokens: 0 })).toEqual([]);
    expect(generate(model, [[1], [2, 3]], { maxNewTokens: 0 })).toEqual([[], []]);
    expect(generate(model, [1, 2, 3, 4, 5, 6], { maxNewTokens: 11, temperature: 0 })).toHaveLength(11);
  });

  it.each([
    [[], { maxNewTokens: 1 }, 'generate: prompt must hold at least one token id'],
    [[[1], []], { maxNewTokens: 1 }, 'generate: prompt row 1 must hold at least one token id'],
    [[13], { maxNewTokens: 1 }, 'generate: token id 13 is not an integer in [0, 13)'],
    [[1], { maxNewTokens: 1, stopTokens: [-1] }, 'generate: token id -1'],
    [
      [1, 2],
      { maxNewTokens: 16 },
      'generate: prompt (2) + maxNewTokens (16) - 1 exceeds contextLength 16; shorten it or pass slideWindow: true',
    ],
    [
      [[1, 2], [1]],
      { maxNewTokens: 16 },
      'longest prompt (2) + maxNewTokens (16) - 1 exceeds contextLength 16',
    ],
    [[1], { maxNewTokens: 1.5 }, 'maxNewTokens must be a non-negative integer'],
    [[1], { maxNewTokens: 1, temperature: -1 }, 'generate: temperature must be a finite number ≥ 0'],
    [[1], { maxNewTokens: 1, topK: 0 }, 'topK must be an integer ≥ 1'],
    [[1], { maxNewTokens: 1, topP: 0 }, 'topP must be in (0, 1]'],
    [
      [[1], [2]],
      { maxNewTokens: 1, seed: [1] },
      'seed must be an integer or one integer per prompt row (2) (got [1])',
    ],
    [[1], { maxNewTokens: 1, seed: 0.5 }, 'seed must be an integer'],
  ] as Array<[number[] | number[][], GenerateOptions, string]>)(
    'rejects prompt %j with %j',
    (prompt, options, text) => {
      let error: unknown;
      try {
        generate(model, prompt as number[][], options);
      } catch (e) {
        error = e;
      }
      expect(ModelError.isInstance(error) && error.code).toBe('INPUT_INVALID');
      expect(String(error)).toContain(text);
    },
  );

  it('rejects mis-shaped prompt embeddings and masks that are not left padding', () => {
    const x = tf.zeros([2, 3, 8]) as tf.Tensor3D;
    const failure = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return String(error);
      }
      return 'no error';
    };
    expect(
      failure(() =>
        generate(model, { inputsEmbeds: tf.zeros([1, 3, 4]) as tf.Tensor3D }, { maxNewTokens: 1 }),
      ),
    ).toContain(
      'generate: prompt.inputsEmbeds must be a float32 tensor [B, T, 8] with B, T ≥ 1 (got float32 [1,3,4])',
    );
    const mask = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    expect(
      failure(() => generate(model, { inputsEmbeds: x, attentionMask: mask }, { maxNewTokens: 1 })),
    ).toContain('prompt.attentionMask row 0 must be left padding');
    expect(
      failure(() => generate(model, { inputsEmbeds: x, attentionMask: [[1, 1, 1]] }, { maxNewTokens: 1 })),
    ).toContain('attentionMask must be 2 rows of 3 numbers');
    x.dispose();
  });
});

describe('decodeStep', () => {
  const model = createModel({ ...TINY, heads: { count: 3 } }, { seed: 8 });
  const ids = [
    [1, 4, 2, 9, 0],
    [3, 3, 10, 5, 6],
  ];

  it('returns the last positions’ logits of the chosen heads as plain data, as forward computes them', () => {
    const full = tf.tidy(() => model.forward(ids, { heads: [2, 0] }).logits.map((l) => l.arraySync()));
    const cache = new KVCache();
    const firstThree = ids.map((row) => row.slice(0, 3));
    const first = decodeStep(model, firstThree, { kvCache: cache, heads: [2, 0], lastPositions: 2 });
    const second = decodeStep(
      model,
      ids.map((row) => row.slice(3)),
      { kvCache: cache, heads: [2, 0] },
    );
    expect(cache.length).toBe(5);
    const maxDiff = (got: Float32Array | undefined, expected: number[] | undefined) =>
      Math.max(...(expected ?? [Number.NaN]).map((e, k) => Math.abs((got?.[k] ?? Number.NaN) - e)));
    for (const j of [0, 1]) {
      for (const b of [0, 1]) {
        const expected = full[j]?.[b] as number[][];
        expect(first[j]?.[b]).toHaveLength(2);
        expect(second[j]?.[b]).toHaveLength(1);
        expect(maxDiff(first[j]?.[b]?.[0], expected[1])).toBeLessThan(1e-5); // positions 1 and 2 of the first step
        expect(maxDiff(first[j]?.[b]?.[1], expected[2])).toBeLessThan(1e-5);
        expect(maxDiff(second[j]?.[b]?.[0], expected[4])).toBeLessThan(1e-5); // the last of the second step
      }
    }
    cache.dispose();
  });

  it('adds no tensors once the cache holds every layer, and rejects bad lastPositions without touching the cache', () => {
    const cache = new KVCache();
    decodeStep(model, [[1, 2]], { kvCache: cache, heads: [0, 1, 2] });
    const held = tf.memory().numTensors;
    for (const token of [3, 4, 5]) {
      decodeStep(model, [[token]], { kvCache: cache, heads: [0, 1, 2] });
      expect(tf.memory().numTensors).toBe(held);
    }
    expect(() => decodeStep(model, [[6, 7]], { kvCache: cache, heads: [0, 1, 2], lastPositions: 3 })).toThrow(
      'decodeStep: lastPositions must be an integer in [1, 2] (the fed positions) (got 3)',
    );
    expect(() => decodeStep(model, [[6]], { kvCache: cache, heads: [0, 1], lastPositions: 0 })).toThrow(
      'lastPositions',
    );
    decodeStep(model, [[6]], { kvCache: cache, heads: [0, 1] }); // head 2 falls behind
    expect(() => decodeStep(model, [[7]], { kvCache: cache, heads: [0, 1, 2] })).toThrow(
      'head 2 has 5 cached positions but needs 6: the KV cache holds 6 positions before this input',
    );
    expect(cache.length).toBe(6);
    expect(tf.memory().numTensors).toBe(held);
    cache.dispose();
  });
});
