import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../test/gradcheck.js';
import { type AttentionContext, attention, causalMask } from './attention.js';
import { KERNELS } from './kernels/index.js';
import { ropeAngles, ropeTables } from './rope.js';

const identity = (x: tf.Tensor) => x;

// On cpu and wasm the fast kernels take the fused attention kernel (head width 4), the reference ones stock ops.
describe.each([
  ['learned positions', false, 'fast'],
  ['RoPE', true, 'fast'],
  ['learned positions', false, 'reference'],
  ['RoPE', true, 'reference'],
] as const)('attention (%s, %s kernels)', (_, useRope, kernels) => {
  const tables = ropeTables(8, 4, 10_000);
  const ctx: AttentionContext = {
    nHeads: 2,
    mask: () => causalMask(0, 5, 5), // x holds 5 positions
    rope: useRope ? ropeAngles(tables, 0, 5) : undefined, // x holds 5 positions
    offset: 0,
    dropout: identity,
    dropoutActive: false,
    kernels: KERNELS[kernels],
  };
  const params = { qkv: randn([24, 8], 1, 0.5) as tf.Tensor2D, proj: randn([8, 8], 2, 0.5) as tf.Tensor2D };
  const x = randn([2, 5, 8], 3) as tf.Tensor3D;

  it('is causal: changing a later position leaves earlier outputs unchanged', () => {
    const y = attention(x, params, ctx);
    const changed = tf.concat([tf.slice(x, [0, 0, 0], [2, 3, 8]), randn([2, 2, 8], 4)], 1) as tf.Tensor3D;
    const y2 = attention(changed, params, ctx);
    const prefix = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [2, 3, 8]);
    expect(maxAbsDiff(prefix(y), prefix(y2))).toBe(0);
    expect(maxAbsDiff(y, y2)).toBeGreaterThan(1e-3);
  });

  it('with one position attends only to itself: proj(v)', () => {
    const x1 = tf.slice(x, [0, 0, 0], [2, 1, 8]) as tf.Tensor3D;
    const v = tf.slice(tf.matMul(tf.reshape(x1, [2, 8]), params.qkv, false, true), [0, 16], [2, 8]);
    const expected = tf.matMul(v, params.proj, false, true);
    const ctx1 = {
      ...ctx,
      mask: () => causalMask(0, 1, 1),
      rope: useRope ? ropeAngles(tables, 0, 1) : undefined,
    };
    expect(maxAbsDiff(tf.reshape(attention(x1, params, ctx1), [2, 8]), expected)).toBeLessThan(1e-5);
  });

  it('gradients match finite differences', () => {
    const r = randn([2, 5, 8], 5);
    const f = (a: tf.Tensor, qkv: tf.Tensor, proj: tf.Tensor) =>
      tf.sum(
        tf.mul(attention(a as tf.Tensor3D, { qkv: qkv as tf.Tensor2D, proj: proj as tf.Tensor2D }, ctx), r),
      ) as tf.Scalar;
    expect(finiteDifferenceMismatches(f, [x, params.qkv, params.proj], { samples: 12 })).toEqual([]);
  });
});

describe('causalMask', () => {
  it('masks exactly the keys after each query position, for any offset', async () => {
    // Queries at positions 2 and 3 over keys 0..4.
    expect(await causalMask(2, 2, 5).array()).toEqual([
      [0, 0, 0, -1e9, -1e9],
      [0, 0, 0, 0, -1e9],
    ]);
    expect(await causalMask(0, 3, 3).array()).toEqual([
      [0, -1e9, -1e9],
      [0, 0, -1e9],
      [0, 0, 0],
    ]);
  });
});
