import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randn } from '../test/gradcheck.js';
import { allHeads, TINY, VARIANTS } from '../test/variants.js';
import { ModelError } from './errors.js';
import { cacheState, KVCache } from './kv-cache.js';
import { createModel } from './model.js';

const sequence = [
  [1, 4, 2, 9, 0, 7, 7, 3, 10],
  [3, 3, 10, 5, 6, 1, 2, 8, 4],
];
const columns = (from: number, to: number) => sequence.map((row) => row.slice(from, to));

describe.each(VARIANTS)('KV cache: %s', (_, config) => {
  const heads = allHeads(config);

  it('incremental forwards (chunks of 3, 1, 2, 1, 1, 1) equal the full forward to 1e-5 for every head', () => {
    const model = createModel(config, { seed: 1 });
    const cache = new KVCache();
    tf.tidy(() => {
      const full = model.forward(sequence, { heads }).logits;
      let start = 0;
      for (const size of [3, 1, 2, 1, 1, 1]) {
        const step = model.forward(columns(start, start + size), { heads, kvCache: cache }).logits;
        step.forEach((l, j) => {
          const expected = tf.slice(full[j] as tf.Tensor, [0, start, 0], [2, size, 11]);
          expect(maxAbsDiff(l, expected)).toBeLessThan(1e-5);
        });
        start += size;
        expect(cache.length).toBe(start);
      }
    });
    cache.dispose();
    model.dispose();
  });

  it('after truncate(n), continuing from position n equals the full forward (speculative rollback)', () => {
    const model = createModel(config, { seed: 2 });
    const cache = new KVCache();
    tf.tidy(() => {
      const full = model.forward(sequence, { heads }).logits;
      // Feed a wrong continuation, roll it back, then feed the real one.
      model.forward(columns(0, 4), { heads, kvCache: cache });
      model.forward(
        [
          [5, 5, 5, 5],
          [0, 0, 0, 0],
        ],
        { heads, kvCache: cache },
      );
      cache.truncate(4);
      expect(cache.length).toBe(4);
      const rest = model.forward(columns(4, 9), { heads, kvCache: cache }).logits;
      rest.forEach((l, j) => {
        expect(maxAbsDiff(l, tf.slice(full[j] as tf.Tensor, [0, 4, 0], [2, 5, 11]))).toBeLessThan(1e-5);
      });
      cache.truncate(0);
      const again = model.forward(sequence, { heads, kvCache: cache }).logits;
      for (const [j, l] of again.entries()) expect(maxAbsDiff(l, full[j] as tf.Tensor)).toBeLessThan(1e-5);
    });
    cache.dispose();
    model.dispose();
  });

  it('keeps exactly its own tensors: none leak after dispose', () => {
    const model = createModel(config, { seed: 3 });
    const before = tf.memory().numTensors;
    const cache = new KVCache();
    for (const part of [columns(0, 2), columns(2, 3), columns(3, 5)]) {
      tf.dispose(model.forward(part, { heads, kvCache: cache }).logits);
    }
    cache.truncate(3);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('KV cache', () => {
  const config = { ...TINY, positional: 'rope' as const };

  it('any chunking with any rollbacks gives the full forward’s logits (property)', () => {
    const model = createModel({ ...config, heads: { count: 2 } }, { seed: 5 });
    const full = model.forward(sequence, { heads: [0, 1] }).logits;
    const chunking = fc.array(
      fc.record({ size: fc.integer({ min: 1, max: 4 }), back: fc.integer({ min: 0, max: 3 }) }),
      {
        minLength: 1,
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(chunking, (steps) => {
        const cache = new KVCache();
        try {
          for (const { size, back } of steps) {
            const start = cache.length;
            const end = Math.min(start + size, 9);
            if (end === start) break;
            tf.tidy(() => {
              const logits = model.forward(columns(start, end), { heads: [0, 1], kvCache: cache }).logits;
              for (const [j, l] of logits.entries()) {
                const expected = tf.slice(full[j] as tf.Tensor, [0, start, 0], [2, end - start, 11]);
                expect(maxAbsDiff(l, expected)).toBeLessThan(1e-5);
              }
            });
            cache.truncate(Math.max(0, cache.length - back));
          }
        } finally {
          cache.dispose();
        }
      }),
      { numRuns: 15, seed: 1 },
    );
    tf.dispose(full);
    model.dispose();
  });

  it('holds one key and one value tensor per layer: a decoding step does not add tensors', () => {
    const model = createModel({ ...config, heads: { count: 2 } }, { seed: 6 });
    const cache = new KVCache();
    const step = (part: number[][]) =>
      tf.dispose(model.forward(part, { heads: [0, 1], kvCache: cache }).logits);
    step(columns(0, 3));
    const held = tf.memory().numTensors;
    for (let t = 3; t < 9; t++) {
      step(columns(t, t + 1));
      expect(tf.memory().numTensors).toBe(held);
    }
    // One trunk block and two head blocks, each with its keys and values over all 9 positions.
    const state = cacheState(cache);
    expect(state.layerNames()).toEqual(['blocks.0', 'heads.0', 'heads.1']);
    for (const name of state.layerNames()) expect(state.peek(name)?.contents?.k.shape).toEqual([2, 2, 9, 4]);
    cache.dispose();
    model.dispose();
  });

  // Backend fact the merged layers rely on: when tfjs records an op on a gradient tape it keeps clones of the
  // tensors the op's gradient needs, so disposing the op's inputs after it ran does not change the gradient.
  // (tf.grads itself disposes every intermediate of the forward pass before it runs the backward pass.)
  it('tfjs fact: a tensor disposed after use under a tape still passes its gradient', () => {
    const x = randn([2, 3], 21);
    const w = randn([3, 5], 22);
    const f = (dispose: boolean) => (a: tf.Tensor) => {
      const first = tf.matMul(a, w); // a cached chunk
      const merged = tf.concat([first, tf.square(first)], 0); // the stored merge of two chunks
      if (dispose) first.dispose();
      const read = tf.concat([merged, tf.sin(merged)], 1); // the next forward's read
      if (dispose) merged.dispose();
      return tf.sum(tf.mul(read, read)) as tf.Scalar;
    };
    const [kept] = tf.grads(f(false))([x]);
    const [disposed] = tf.grads(f(true))([x]);
    expect(Array.from((disposed as tf.Tensor).dataSync())).toEqual(
      Array.from((kept as tf.Tensor).dataSync()),
    );
  });

  // Coconut's multi-pass forward: a latent slot's input is the previous position's last hidden state (after ln_f)
  // from an earlier cached pass; gradients flow through it and through the cached keys and values.
  it.each([
    ['learned positions', { ...TINY }],
    ['rope + rmsnorm', { ...config, norm: 'rmsnorm' as const }],
  ])(
    'passes gradients through cached keys, values and fed-back states (%s) as a full forward does',
    (_, cfg) => {
      const model = createModel(cfg, { seed: 4 });
      const r = randn([2, 9, 11], 9);
      const before = tf.memory().numTensors;
      const lastState = (states: { name: string; tensor: tf.Tensor3D }[] = [], t: number) => {
        const h = states.find((s) => s.name === 'heads.0')?.tensor as tf.Tensor3D;
        return model.finalNorm(tf.slice(h, [0, t, 0], [2, 1, 8]) as tf.Tensor3D);
      };
      // Naive: the thought at position 4 computed from positions 0..3, then one full forward over all 9.
      const lossFull = () => {
        const thought = lastState(model.forward(columns(0, 4), { returnHiddenStates: true }).hiddenStates, 3);
        const x = model.embed(sequence);
        const embeds = tf.concat(
          [tf.slice(x, [0, 0, 0], [2, 4, 8]), thought, tf.slice(x, [0, 5, 0], [2, 4, 8])],
          1,
        ) as tf.Tensor3D;
        return tf.sum(tf.mul(model.forward({ inputsEmbeds: embeds }).logits[0] as tf.Tensor, r)) as tf.Scalar;
      };
      const cache = new KVCache();
      const lossCached = () => {
        const first = model.forward(columns(0, 4), { kvCache: cache, returnHiddenStates: true });
        const thought = lastState(first.hiddenStates, 3);
        const second = model.forward({ inputsEmbeds: thought }, { kvCache: cache }).logits[0] as tf.Tensor;
        const third = model.forward(columns(5, 9), { kvCache: cache }).logits[0] as tf.Tensor;
        const logits = tf.concat([first.logits[0] as tf.Tensor, second, third], 1);
        return tf.sum(tf.mul(logits, r)) as tf.Scalar;
      };
      const full = tf.variableGrads(lossFull);
      const cached = tf.variableGrads(lossCached);
      expect(cache.length).toBe(9);
      cache.dispose();
      expect(Math.abs((full.value.dataSync()[0] ?? 0) - (cached.value.dataSync()[0] ?? 1))).toBeLessThan(
        1e-4,
      );
      for (const [name, param] of Object.entries(model.params)) {
        const a = full.grads[param.name] as tf.Tensor;
        const b = cached.grads[param.name] as tf.Tensor;
        expect(maxAbsDiff(a, b), name).toBeLessThan(1e-4);
      }
      tf.dispose([full, cached]);
      expect(tf.memory().numTensors).toBe(before);
      r.dispose();
      model.dispose();
    },
  );

  it('offers users length, truncate and dispose only: the internals are on neither the type nor the object', () => {
    const model = createModel(config);
    const cache = new KVCache();
    tf.dispose(model.forward([[1, 2]], { kvCache: cache }).logits);
    expect(Object.getOwnPropertyNames(KVCache.prototype).sort()).toEqual([
      'constructor',
      'dispose',
      'length',
      'truncate',
    ]);
    expect(Reflect.ownKeys(cache)).toEqual([]);
    const loose = cache as unknown as Record<string, unknown>;
    for (const name of ['advance', 'atomically', 'layer', 'peek', 'layerNames', 'layers', 'positions']) {
      expect(loose[name], name).toBeUndefined();
    }
    // Once callable: it moved the position count past the layers' contents and broke every later forward.
    // @ts-expect-error advance is not part of KVCache's type
    expect(() => cache.advance(3)).toThrow(TypeError);
    expect(cache.length).toBe(2);
    tf.dispose(model.forward([[3]], { kvCache: cache }).logits);
    expect(cache.length).toBe(3);
    expect(failure(() => model.forward([[3]], { kvCache: {} as KVCache }))).toBe(
      'CACHE_INVALID: kvCache must be a KVCache made by `new KVCache()`',
    );
    cache.dispose();
    model.dispose();
  });

  it('rejects bad truncation', () => {
    const model = createModel(config);
    const cache = new KVCache();
    tf.dispose(model.forward([[1, 2]], { kvCache: cache }).logits);
    expect(failure(() => cache.truncate(3))).toBe(
      'CACHE_INVALID: KVCache.truncate(length): length must be an integer in [0, 2] (got 3)',
    );
    expect(failure(() => cache.truncate(-1))).toContain('CACHE_INVALID');
    expect(failure(() => cache.truncate(1.5))).toContain('(got 1.5)');
    expect(cache.length).toBe(2);
    cache.dispose();
    model.dispose();
  });
});

// Everything observable about a cache: its length and, per layer, the stored keys and values.
function snapshot(cache: KVCache) {
  const state = cacheState(cache);
  return {
    length: cache.length,
    layers: state.layerNames().map((name) => {
      const contents = state.peek(name)?.contents;
      return {
        name,
        shape: contents?.k.shape,
        k: contents && Array.from(contents.k.dataSync()),
        v: contents && Array.from(contents.v.dataSync()),
      };
    }),
  };
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return ModelError.isInstance(error) ? `${error.code}: ${error.message}` : `other: ${String(error)}`;
  }
  return 'no error';
}

describe('KV cache: a call that throws leaves the cache exactly as it was', () => {
  const config = { ...TINY, positional: 'rope' as const, heads: { count: 2 } };
  const model = createModel(config, { seed: 7 });
  const other = createModel({ ...config, nHeads: 4 }, { seed: 7 });
  const z = (B: number, T: number) => tf.zeros([B, T, 8]) as tf.Tensor3D;

  // Each case: a call on a cache that holds [[1, 2]] through the trunk and head 0 only.
  const cases: Array<[string, (cache: KVCache) => unknown, string]> = [
    [
      'a head that never saw the cache',
      (cache) => model.forward([[3]], { heads: [0, 1], kvCache: cache }),
      'CACHE_INVALID: head 1 has 0 cached positions but needs 2: the KV cache holds 2 positions before this input; run head 1 in every forward that uses this cache',
    ],
    [
      'a head listed twice',
      (cache) => model.forward([[3]], { heads: [0, 0], kvCache: cache }),
      'INPUT_INVALID: options.heads names head 0 twice; name each head once',
    ],
    [
      'a head index out of range',
      (cache) => model.forward([[3]], { heads: [2], kvCache: cache }),
      'INPUT_INVALID: head index must be an integer in [0, 1] (got 2)',
    ],
    [
      'another batch size',
      (cache) => model.forward([[1], [2]], { kvCache: cache }),
      'CACHE_INVALID: KV cache holds batch size 1, but the input has 2',
    ],
    [
      'too many positions',
      (cache) => model.forward([Array.from({ length: 11 }, () => 1)], { kvCache: cache }),
      'INPUT_INVALID: sequence too long: 2 cached + 11 new positions exceed contextLength 12',
    ],
    [
      'a bad token id',
      (cache) => model.forward([[11]], { kvCache: cache }),
      'INPUT_INVALID: token id 11 is not an integer in [0, 11)',
    ],
    [
      'mis-shaped input embeddings',
      (cache) => model.forward({ inputsEmbeds: tf.zeros([1, 1, 4]) as tf.Tensor3D }, { kvCache: cache }),
      'INPUT_INVALID: inputsEmbeds must be a float32 tensor [B, T, 8] with B, T ≥ 1 (got float32 [1,1,4])',
    ],
    [
      'an attention mask that does not cover the cached positions',
      (cache) => model.forward([[3]], { kvCache: cache, attentionMask: [[1]] }),
      'INPUT_INVALID: attentionMask must be 1 rows of 3 numbers, [1, 3] (B = 1; S = 2 cached + 1 new positions) (got 1 rows of lengths 1)',
    ],
    [
      'an attention mask that is not 0/1',
      (cache) => model.forward([[3]], { kvCache: cache, attentionMask: [[1, 1, 0.5]] }),
      'INPUT_INVALID: attentionMask[0] holds 0.5; use 1 for a real token and 0 for padding',
    ],
    [
      'a position id out of range',
      (cache) => model.forward([[3]], { kvCache: cache, positionIds: [[12]] }),
      'INPUT_INVALID: positionIds[0] holds 12, not an integer in [0, 12) (contextLength)',
    ],
    [
      'position ids as a float tensor',
      (cache) => model.forward([[3]], { kvCache: cache, positionIds: tf.tensor2d([[2]]) }),
      'INPUT_INVALID: positionIds must be an int32 tensor [1, 1] (B = 1; T = 1 new positions) (got float32 [1,1])',
    ],
    [
      'another model’s cache',
      (cache) => other.forward([[3]], { kvCache: cache }),
      'CACHE_INVALID: KV cache layer blocks.0 holds 2 heads of width 4, but this model has 4 heads of width 2; a cache belongs to one model',
    ],
    [
      'the trunk alone with a bad mask',
      (cache) => model.trunk(z(1, 1), { kvCache: cache, attentionMask: [[1, 1, 2]] }),
      'INPUT_INVALID: attentionMask[0] holds 2; use 1 for a real token and 0 for padding',
    ],
    [
      'a head alone on more positions than the cache holds',
      (cache) => model.head(0, z(1, 3), { kvCache: cache }),
      'CACHE_INVALID: head 0: the KV cache holds 2 positions, fewer than the 3 of this input; run the trunk with this cache first',
    ],
    [
      'a head alone that would skip cached positions',
      (cache) => model.head(1, z(1, 1), { kvCache: cache }),
      'CACHE_INVALID: head 1 has 0 cached positions but needs 1: the KV cache holds 2 positions and this input is the last 1 of them; run head 1 in every forward that uses this cache',
    ],
  ];

  it.each(cases)('%s', (_, call, message) => {
    const cache = new KVCache();
    tf.dispose(model.forward([[1, 2]], { heads: [0], kvCache: cache }).logits);
    const before = snapshot(cache);
    const tensors = tf.memory().numTensors;
    expect(failure(() => tf.tidy(() => call(cache) as tf.TensorContainer))).toBe(message);
    expect(snapshot(cache)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    // And it still works: the next valid call continues from where the cache was.
    tf.dispose(model.forward([[3]], { heads: [0], kvCache: cache }).logits);
    expect(cache.length).toBe(3);
    cache.dispose();
  });

  it('an error after every layer has run (here in the unembedding) discards all of their writes', () => {
    const cache = new KVCache();
    tf.dispose(model.forward([[1, 2]], { heads: [0, 1], kvCache: cache }).logits);
    const before = snapshot(cache);
    const tensors = tf.memory().numTensors;
    const unembed = model.unembed.bind(model);
    let calls = 0;
    model.unembed = (h) => {
      if (++calls === 2) throw new Error('out of memory');
      return unembed(h);
    };
    try {
      expect(failure(() => model.forward([[3, 4]], { heads: [0, 1], kvCache: cache }))).toBe(
        'other: Error: out of memory',
      );
    } finally {
      model.unembed = unembed;
    }
    expect(calls).toBe(2);
    expect(snapshot(cache)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    cache.dispose();
  });

  it('a failed first call leaves an empty cache with no layers', () => {
    const cache = new KVCache();
    expect(failure(() => model.forward([[1]], { kvCache: cache, positionIds: [[-1]] }))).toContain(
      'positionIds[0]',
    );
    expect(snapshot(cache)).toEqual({ length: 0, layers: [] });
    cache.dispose();
  });
});
