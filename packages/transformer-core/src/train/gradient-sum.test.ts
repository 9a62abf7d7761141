import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { addGradients } from './gradient-sum.js';

describe('addGradients', () => {
  it('adds scale · grads name by name, keeping names found in only one record', async () => {
    const sums = { a: tf.tensor1d([1, 2]), b: tf.tensor2d([[3]]) };
    const grads = { a: tf.tensor1d([10, 20]), c: tf.scalar(4) };
    const total = addGradients({ sums, grads, scale: 0.5 });
    expect(Object.keys(total).sort()).toEqual(['a', 'b', 'c']);
    expect(await total.a?.data()).toEqual(new Float32Array([6, 12]));
    expect(await total.b?.data()).toEqual(new Float32Array([3]));
    expect(total.b?.shape).toEqual([1, 1]);
    expect(await total.c?.data()).toEqual(new Float32Array([2]));
    tf.dispose(total);
  });

  it('defaults to scale 1 and starts a total from {}', async () => {
    const total = addGradients({ sums: {}, grads: { a: tf.tensor1d([1, -2]) } });
    const again = addGradients({ sums: total, grads: { a: tf.tensor1d([3, 5]) } });
    expect(await again.a?.data()).toEqual(new Float32Array([4, 3]));
    tf.dispose(again);
  });

  it('consumes both records: a running sum over many terms holds one set of tensors', () => {
    const before = tf.memory().numTensors;
    let total = {};
    for (let k = 0; k < 5; k++) {
      total = addGradients({ sums: total, grads: { a: tf.ones([3]), b: tf.ones([2, 2]) }, scale: 1 / 5 });
      expect(tf.memory().numTensors).toBe(before + 2);
    }
    tf.dispose(total);
    expect(tf.memory().numTensors).toBe(before);
  });
});
