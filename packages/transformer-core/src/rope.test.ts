import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../test/gradcheck.js';
import { applyRope, ropeTables } from './rope.js';

describe('rope', () => {
  const tables = ropeTables(16, 4, 10_000);

  it('leaves position 0 unchanged and preserves each rotated pair’s norm', () => {
    const x = randn([1, 2, 3, 4], 1) as tf.Tensor4D;
    const y = applyRope(x, tables, 0);
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
      tf.sum(tf.mul(applyRope(q, tables, qPos), applyRope(k, tables, kPos))).dataSync()[0] ?? Number.NaN;
    expect(score(5, 2)).toBeCloseTo(score(12, 9), 5);
    expect(score(3, 3)).toBeCloseTo(score(0, 0), 5);
    expect(Math.abs(score(5, 2) - score(5, 4))).toBeGreaterThan(1e-3);
  });

  it('gradients match finite differences', () => {
    const x = randn([2, 2, 3, 4], 4);
    const r = randn([2, 2, 3, 4], 5);
    const f = (a: tf.Tensor) => tf.sum(tf.mul(applyRope(a as tf.Tensor4D, tables, 7), r)) as tf.Scalar;
    expect(finiteDifferenceMismatches(f, [x], { samples: 16 })).toEqual([]);
  });
});
