import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Deterministic pseudo-random tensor (tfjs seeds its generator in JS, so values are equal on every backend). */
export function randn(shape: number[], seed: number, std = 1): tf.Tensor {
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}

/** Max |a - b| over all elements. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN);
}

/**
 * Compares the analytic gradient of the scalar `f` at `xs` with central finite differences on a spread of
 * coordinates of every input. Float32 arithmetic limits the agreement to about 1e-3, hence the tolerances.
 * Returns the coordinates that disagree (empty when all agree).
 */
export function finiteDifferenceMismatches(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
  { eps = 1e-2, samples = 8, rtol = 2e-2, atol = 2e-3 } = {},
): string[] {
  const analytic = tf.tidy(() =>
    tf
      .grads(f)(xs)
      .map((g) => g.dataSync().slice()),
  );
  const evaluate = (inputs: tf.Tensor[]): number => tf.tidy(() => f(...inputs).dataSync()[0] ?? Number.NaN);
  const mismatches: string[] = [];
  xs.forEach((x, i) => {
    const base = x.dataSync().slice();
    const stride = Math.max(1, Math.floor(base.length / samples));
    for (let j = 0; j < base.length; j += stride) {
      const at = (delta: number): number => {
        const values = base.slice();
        values[j] = (values[j] ?? 0) + delta;
        const perturbed = tf.tensor(values, x.shape, 'float32');
        const inputs = xs.map((other, k) => (k === i ? perturbed : other));
        const value = evaluate(inputs);
        perturbed.dispose();
        return value;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const exact = analytic[i]?.[j] ?? Number.NaN;
      if (!(Math.abs(numeric - exact) <= atol + rtol * Math.abs(numeric))) {
        mismatches.push(`input ${i}[${j}]: analytic ${exact}, numeric ${numeric}`);
      }
    }
  });
  return mismatches;
}
