import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randn } from '../test/gradcheck.js';
import { allHeads, TINY, VARIANTS } from '../test/variants.js';
import { ModelError } from './errors.js';
import { KVCache } from './kv-cache.js';
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

  it('passes gradients through cached keys and values (two cached passes = one full pass)', () => {
    const model = createModel({ ...config, heads: { count: 1 } }, { seed: 4 });
    const r = randn([2, 9, 11], 9);
    const lossFull = () => tf.sum(tf.mul(model.forward(sequence).logits[0] as tf.Tensor, r)) as tf.Scalar;
    const cache = new KVCache();
    const lossCached = () => {
      const first = model.forward(columns(0, 5), { kvCache: cache }).logits[0] as tf.Tensor;
      const second = model.forward(columns(5, 9), { kvCache: cache }).logits[0] as tf.Tensor;
      return tf.sum(tf.mul(tf.concat([first, second], 1), r)) as tf.Scalar;
    };
    const full = tf.variableGrads(lossFull);
    const cached = tf.variableGrads(lossCached);
    cache.dispose();
    expect(Math.abs((full.value.dataSync()[0] ?? 0) - (cached.value.dataSync()[0] ?? 1))).toBeLessThan(1e-4);
    for (const [name, param] of Object.entries(model.params)) {
      const a = full.grads[param.name] as tf.Tensor;
      const b = cached.grads[param.name] as tf.Tensor;
      expect(maxAbsDiff(a, b), name).toBeLessThan(1e-4);
    }
    model.dispose();
  });

  it('rejects a head that skipped earlier cached positions, a changed batch size and bad truncation', () => {
    const model = createModel({ ...config, heads: { count: 2 } });
    const cache = new KVCache();
    tf.dispose(model.forward([[1, 2]], { heads: [0], kvCache: cache }).logits);
    const failure = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return ModelError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return 'no error';
    };
    expect(failure(() => model.forward([[3]], { heads: [0, 1], kvCache: cache }))).toBe(
      'CACHE_INVALID: head 1 has 0 cached positions but the trunk has 2 before this input; run head 1 in every forward that uses this cache',
    );
    const batchCache = new KVCache();
    tf.dispose(model.forward([[1, 2]], { kvCache: batchCache }).logits);
    expect(failure(() => model.forward([[1], [2]], { kvCache: batchCache }))).toContain('batch size 1');
    expect(failure(() => batchCache.truncate(3))).toContain('integer in [0, 2] (got 3)');
    expect(failure(() => batchCache.truncate(-1))).toContain('CACHE_INVALID');
    cache.dispose();
    batchCache.dispose();
    model.dispose();
  });
});
