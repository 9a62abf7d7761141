import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../test/gradcheck.js';
import { applyRope, ropeAngles, ropeTables } from './rope.js';

describe('rope', () => {
  const tables = ropeTables(16, 4, 10_000);
  // x [B, nHeads, T, headDim] rotated for positions offset .. offset + T - 1.
  const rotate = (x: tf.Tensor4D, offset: number) => applyRope(x, ropeAngles(tables, offset, x.shape[2]));

  it('leaves position 0 unchanged and preserves each rotated pair’s norm', () => {
    const x = randn([1, 2, 3, 4], 1) as tf.Tensor4D;
    const y = rotate(x, 0);
    const first = (t: tf.Tensor) => tf.slice(t, [0, 0, 0, 0], [1, 2, 1, 4]);
    expect(maxAbsDiff(first(y), first(x))).toBeLessThan(1e-7);
    // Feature j pairs with j + 2: (x_j, x_{j+2}) is rotated, so x_j² + x_{j+2}² is kept.
    const pairNorms = (t: tf.Tensor) => {
      const [a, b] = tf.split(t, 2, -1) as [tf.Tensor, tf.Tensor];
      return tf.add(tf.square(a), tf.square(b));
    };
    expect(maxAbsDiff(pairNorms(y), pairNorms(x))).toBeLessThan(1e-5);
  });

  it('makes query·key depend only on the distance between positions', () => {
    const q = randn([1, 1, 1, 4], 2) as tf.Tensor4D;
    const k = randn([1, 1, 1, 4], 3) as tf.Tensor4D;
    const score = (qPos: number, kPos: number) =>
      tf.sum(tf.mul(rotate(q, qPos), rotate(k, kPos))).dataSync()[0] ?? Number.NaN;
    expect(score(5, 2)).toBeCloseTo(score(12, 9), 5);
    expect(score(3, 3)).toBeCloseTo(score(0, 0), 5);
    expect(Math.abs(score(5, 2) - score(5, 4))).toBeGreaterThan(1e-3);
  });

  it('gradients match finite differences', () => {
    const x = randn([2, 2, 3, 4], 4);
    const r = randn([2, 2, 3, 4], 5);
    const f = (a: tf.Tensor) => tf.sum(tf.mul(rotate(a as tf.Tensor4D, 7), r)) as tf.Scalar;
    expect(finiteDifferenceMismatches(f, [x], { samples: 16 })).toEqual([]);
  });

  it('with per-row position ids rotates each row as that row alone at its positions, in both layouts', () => {
    const x = randn([2, 3, 2, 4], 6) as tf.Tensor4D; // [B, nHeads, T, headDim]
    const ids = tf.tensor2d(
      [
        [5, 6],
        [0, 9],
      ],
      [2, 2],
      'int32',
    );
    const perRow = applyRope(x, ropeAngles(tables, ids, 2));
    // Row 0 sits at positions 5, 6; row 1 at 0 and 9 (not consecutive: each position is looked up on its own).
    const row = (t: tf.Tensor, b: number) => tf.slice(t, [b, 0, 0, 0], [1, 3, 2, 4]) as tf.Tensor4D;
    expect(maxAbsDiff(row(perRow, 0), rotate(row(x, 0), 5))).toBe(0);
    const at = (t: tf.Tensor4D, pos: number) =>
      rotate(tf.slice(t, [1, 0, pos === 0 ? 0 : 1, 0], [1, 3, 1, 4]) as tf.Tensor4D, pos);
    expect(maxAbsDiff(tf.slice(perRow, [1, 0, 0, 0], [1, 3, 1, 4]), at(x, 0))).toBe(0);
    expect(maxAbsDiff(tf.slice(perRow, [1, 0, 1, 0], [1, 3, 1, 4]), at(x, 9))).toBe(0);
    // Time before heads ([B, T, nHeads, headDim], the packed layout the fused attention reads) gives the same.
    const timeFirst = applyRope(tf.transpose(x, [0, 2, 1, 3]) as tf.Tensor4D, ropeAngles(tables, ids, 2), 1);
    expect(maxAbsDiff(tf.transpose(timeFirst, [0, 2, 1, 3]), perRow)).toBe(0);
  });
});
