import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, registerGradients } from './index.js';

describe('registerGradients', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('makes the kernels a transformer uses differentiable', () => {
    for (const kernel of [
      'BatchMatMul',
      'RealDiv',
      'Softmax',
      'Exp',
      'Log',
      'Sum',
      'Max',
      'Mean',
      'Relu',
      'Sqrt',
      'Rsqrt',
      'Reshape',
      'Transpose',
      'Concat',
      'Slice',
      'Tanh',
      'Erf',
      'Select',
    ]) {
      expect(tf.getGradient(kernel), kernel).toBeDefined();
    }
  });

  it('is idempotent and never replaces a registered gradient', () => {
    expect(registerGradients()).toBe(0);
  });

  it('gives gradients that match central finite differences', () => {
    // f(x) = Σ softmax(x·W)·c / (1 + Σx²) touches matmul, softmax, division, broadcasting and reductions.
    const w = tf.tensor2d([
      [0.3, -0.2, 0.5],
      [0.1, 0.4, -0.6],
    ]);
    const c = tf.tensor1d([1, -2, 0.5]);
    const f = (x: tf.Tensor) =>
      tf.div(tf.sum(tf.mul(tf.softmax(tf.matMul(x as tf.Tensor2D, w)), c)), tf.add(1, tf.sum(tf.square(x))));
    const x0 = [0.7, -1.3];
    const analytic = tf.tidy(() =>
      Array.from(
        tf
          .grad(f)(tf.tensor2d([x0]))
          .dataSync(),
      ),
    );
    const h = 1e-2;
    const numeric = x0.map((_, i) => {
      const plus = [...x0];
      const minus = [...x0];
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const at = (x: number[]) => tf.tidy(() => f(tf.tensor2d([x])).dataSync()[0] as number);
      return (at(plus) - at(minus)) / (2 * h);
    });
    for (const [i, g] of analytic.entries()) expect(g).toBeCloseTo(numeric[i] as number, 3);
    tf.dispose([w, c]);
  });
});
