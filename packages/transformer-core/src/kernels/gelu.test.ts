import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../../test/gradcheck.js';
import { gelu } from './gelu.js';

// The textbook formulation this kernel replaces, differentiated by tfjs's stock gradients.
const geluTanh = (x: tf.Tensor) =>
  tf.mul(
    tf.mul(x, 0.5),
    tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))),
  );

describe('gelu', () => {
  const x = randn([3, 7], 1, 2);
  const r = randn([3, 7], 2);
  const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t), r)) as tf.Scalar;

  it('has the values of the tanh approximation', () => {
    const y = gelu(tf.tensor1d([-3, -1, 0, 1, 3])).dataSync();
    for (const [i, v] of [-0.0036373, -0.158808, 0, 0.841192, 2.9963627].entries())
      expect(y[i]).toBeCloseTo(v, 5);
    expect(maxAbsDiff(gelu(x), geluTanh(x))).toBeLessThan(1e-5);
  });

  it('matches the stock gradient of the tanh formulation to 1e-5', () => {
    const [mine] = tf.grads(loss(gelu))([x]);
    const [reference] = tf.grads(loss(geluTanh))([x]);
    expect(maxAbsDiff(mine as tf.Tensor, reference as tf.Tensor)).toBeLessThan(1e-5);
  });

  it('matches finite differences', () => {
    expect(finiteDifferenceMismatches(loss(gelu), [x], { samples: 21 })).toEqual([]);
  });
});
