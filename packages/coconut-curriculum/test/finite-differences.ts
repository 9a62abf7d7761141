import * as tf from '@tensorflow/tfjs-core';

/** Tolerances of {@link gradientMismatches}: float32 arithmetic limits agreement to about 1e-3. */
export interface FiniteDifferenceOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
}

/**
 * Compares `analytic` (the gradient of `loss` with respect to the variable `param`) with central finite differences
 * `(loss(θ + ε·e_j) − loss(θ − ε·e_j)) / 2ε` at the flat coordinates `indices`, restoring `param` afterwards.
 * Returns the coordinates that disagree (empty when all agree), and the numeric derivatives.
 */
export function gradientMismatches(
  param: tf.Variable,
  loss: () => tf.Scalar,
  analytic: tf.Tensor,
  indices: number[],
  { eps = 1e-2, rtol = 2e-2, atol = 2e-3 }: FiniteDifferenceOptions = {},
): { mismatches: string[]; numeric: number[] } {
  const base = param.dataSync().slice();
  const exact = analytic.dataSync();
  const at = (j: number, delta: number): number => {
    const values = base.slice();
    values[j] = (values[j] ?? 0) + delta;
    tf.tidy(() => param.assign(tf.tensor(values, param.shape, 'float32')));
    return tf.tidy(() => loss().dataSync()[0] ?? Number.NaN);
  };
  const mismatches: string[] = [];
  const numeric: number[] = [];
  try {
    for (const j of indices) {
      const derivative = (at(j, eps) - at(j, -eps)) / (2 * eps);
      numeric.push(derivative);
      const value = exact[j] ?? Number.NaN;
      if (!(Math.abs(derivative - value) <= atol + rtol * Math.abs(derivative))) {
        mismatches.push(`[${j}]: analytic ${value}, numeric ${derivative}`);
      }
    }
  } finally {
    tf.tidy(() => param.assign(tf.tensor(base, param.shape, 'float32')));
  }
  return { mismatches, numeric };
}
