import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../../test/gradcheck.js';
import { causalMask } from '../attention.js';
import { norm } from '../norm.js';
import { canFuseAttention, fusedCausalAttention } from './causal-attention.js';
import { canFuseGelu, fusedGelu } from './fused-gelu.js';
import { canFuseNorm, fusedNorm } from './fused-norm.js';
import { gelu } from './gelu.js';
import { transpose2d } from './transpose.js';
import { wasmKernelsAvailable } from './wasm-host.js';

// The fused WebAssembly kernels against the stock tfjs formulation of the same function: values, every input's
// gradient, and finite differences; on cpu (private kernel memory) and wasm (the backend's own heap).

// Stock causal attention over packed qkv [B, T, 3d], as the model wrote it before the kernel.
function stockAttention(qkv: tf.Tensor3D, nHeads: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, width] = qkv.shape;
    const d = width / 3;
    const hd = d / nHeads;
    const toHeads = (t: tf.Tensor) =>
      tf.reshape(tf.transpose(tf.reshape(t, [B, T, nHeads, hd]), [0, 2, 1, 3]), [B * nHeads, T, hd]);
    const [q, k, v] = tf.split(qkv, 3, -1).map(toHeads) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const scores = tf.add(tf.matMul(tf.mul(q, 1 / Math.sqrt(hd)), k, false, true), causalMask(0, T, T));
    const y = tf.reshape(tf.matMul(tf.softmax(scores), v), [B, nHeads, T, hd]);
    return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, d]);
  });
}

// Largest difference between f and g in value and in the gradient of Σ f(inputs)·r for every input, each
// relative to the stock result's largest magnitude when that exceeds 1: float32 sums of numbers around 5 differ
// by a few 1e-6 with summation order alone.
function mismatch(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  g: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
) {
  return tf.tidy(() => {
    const r = randn(f(...inputs).shape, 99);
    const loss =
      (h: typeof f) =>
      (...xs: tf.Tensor[]) =>
        tf.sum(tf.mul(h(...xs), r)) as tf.Scalar;
    const gradsF = tf.grads(loss(f))(inputs);
    const gradsG = tf.grads(loss(g))(inputs);
    const scaled = (a: tf.Tensor, b: tf.Tensor) =>
      maxAbsDiff(a, b) / Math.max(1, tf.max(tf.abs(b)).dataSync()[0] as number);
    return Math.max(
      scaled(f(...inputs), g(...inputs)),
      ...gradsF.map((d, i) => scaled(d, gradsG[i] as tf.Tensor)),
    );
  });
}

describe('fused WebAssembly kernels', () => {
  it('are available on this backend (cpu and wasm both run them)', () => {
    expect(wasmKernelsAvailable()).toBe(true);
    expect(canFuseAttention(8)).toBe(true);
  });

  it('decline shapes they do not handle, so callers keep stock ops', () => {
    expect(canFuseAttention(6)).toBe(false);
    expect(canFuseGelu(tf.zeros([3, 5]))).toBe(false);
    expect(canFuseNorm(tf.zeros([4, 6]))).toBe(false);
  });

  it('causal attention matches the stock ops and their gradients to 1e-5', () => {
    const qkv = randn([2, 7, 3 * 16], 1) as tf.Tensor3D;
    for (const nHeads of [1, 2, 4]) {
      const diff = mismatch(
        (x) => fusedCausalAttention(x as tf.Tensor3D, nHeads),
        (x) => stockAttention(x as tf.Tensor3D, nHeads),
        [qkv],
      );
      expect(diff).toBeLessThan(1e-5);
    }
  });

  it('causal attention matches the stock ops on random shapes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(4, 8, 12),
        fc.integer({ min: 0, max: 1000 }),
        (B, T, nHeads, hd, seed) => {
          const qkv = randn([B, T, 3 * nHeads * hd], seed, 2) as tf.Tensor3D;
          const diff = mismatch(
            (x) => fusedCausalAttention(x as tf.Tensor3D, nHeads),
            (x) => stockAttention(x as tf.Tensor3D, nHeads),
            [qkv],
          );
          qkv.dispose();
          return diff < 1e-5;
        },
      ),
      { numRuns: 25 },
    );
  });

  it('causal attention matches finite differences, and a later token never changes earlier outputs', () => {
    const qkv = randn([1, 5, 24], 2) as tf.Tensor3D;
    const r = randn([1, 5, 8], 3);
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(fusedCausalAttention(x as tf.Tensor3D, 2), r)) as tf.Scalar;
    expect(finiteDifferenceMismatches(loss, [qkv], { samples: 15 })).toEqual([]);
    const changed = tf.concat([tf.slice(qkv, [0, 0, 0], [1, 4, 24]), randn([1, 1, 24], 4)], 1) as tf.Tensor3D;
    const prefix = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [1, 4, 8]);
    expect(maxAbsDiff(prefix(fusedCausalAttention(qkv, 2)), prefix(fusedCausalAttention(changed, 2)))).toBe(
      0,
    );
  });

  it('GELU matches the stock ops and gradient to 1e-5, far into both tails', () => {
    const x = tf.concat([randn([128], 5, 3), tf.tensor1d([-200, -90, -20, -1e-3, 0, 1e-3, 20, 200])]);
    expect(
      mismatch(
        (t) => fusedGelu(t),
        (t) => gelu(t),
        [x],
      ),
    ).toBeLessThan(1e-5);
    const y = fusedGelu(tf.tensor1d([-3, -1, 0, 1])).dataSync();
    for (const [i, v] of [-0.0036373, -0.158808, 0, 0.841192].entries()) expect(y[i]).toBeCloseTo(v, 6);
  });

  it.each([
    ['LayerNorm', true],
    ['RMSNorm', false],
  ])('%s matches the stock ops and every gradient to 1e-5, and finite differences', (_, withBias) => {
    const x = randn([3, 5, 12], 6, 2);
    const w = randn([12], 7);
    const b = randn([12], 8);
    const params = (wt: tf.Tensor, bt?: tf.Tensor) => ({
      weight: wt as tf.Tensor1D,
      bias: withBias ? (bt as tf.Tensor1D) : undefined,
    });
    const inputs = withBias ? [x, w, b] : [x, w];
    const diff = mismatch(
      (xt, wt, bt) => fusedNorm(xt as tf.Tensor, params(wt as tf.Tensor, bt)),
      (xt, wt, bt) => norm(xt as tf.Tensor, params(wt as tf.Tensor, bt)),
      inputs,
    );
    expect(diff).toBeLessThan(1e-5);
    const r = randn([3, 5, 12], 9);
    const loss = (xt: tf.Tensor, wt: tf.Tensor, bt?: tf.Tensor) =>
      tf.sum(tf.mul(fusedNorm(xt, params(wt, bt)), r)) as tf.Scalar;
    expect(finiteDifferenceMismatches(loss, inputs, { samples: 12 })).toEqual([]);
  });

  it('transpose equals tf.transpose on any matrix shape (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (rows, cols) => {
        const x = randn([rows, cols], rows * 41 + cols) as tf.Tensor2D;
        const [mine, stock] = [transpose2d(x), tf.transpose(x)];
        const same = tf.util.arraysEqual(mine.shape, [cols, rows]) && maxAbsDiff(mine, stock) === 0;
        tf.dispose([x, mine, stock]);
        return same;
      }),
      { numRuns: 40 },
    );
  });

  it('leave no tensors behind: forward and backward create only their results', () => {
    const qkv = randn([2, 4, 24], 10) as tf.Tensor3D;
    const x = randn([8, 12], 11);
    const w = randn([12], 12) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const grads = tf.grads(
      (a: tf.Tensor, h: tf.Tensor, wt: tf.Tensor) =>
        tf.add(
          tf.sum(fusedCausalAttention(a as tf.Tensor3D, 2)),
          tf.sum(fusedGelu(fusedNorm(h, { weight: wt as tf.Tensor1D, bias: wt as tf.Tensor1D }))),
        ) as tf.Scalar,
    )([qkv, x, w]);
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
  });
});
