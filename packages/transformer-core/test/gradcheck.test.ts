import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { finiteDifferenceMismatches, randn } from './gradcheck.js';

it('the finite-difference check flags a wrong gradient', () => {
  // sum(x²) with a gradient of 2.1·x instead of 2·x: off by 5%, beyond the 2% tolerance.
  const wrong = tf.customGrad((x) => ({
    value: tf.sum(tf.square(x as tf.Tensor)),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(x as tf.Tensor, 2.1)),
  }));
  const x = tf.add(randn([6], 1), 3);
  expect(finiteDifferenceMismatches((a) => wrong(a) as tf.Scalar, [x])).toHaveLength(6);
  expect(finiteDifferenceMismatches((a) => tf.sum(tf.square(a)) as tf.Scalar, [x])).toEqual([]);
});
