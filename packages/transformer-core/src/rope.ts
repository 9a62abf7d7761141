import * as tf from '@tensorflow/tfjs-core';

/** Precomputed rotary-embedding tables, `[contextLength, headDim]` each. */
export interface RopeTables {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
}

/**
 * Builds RoPE tables (Su et al. 2021, RoFormer) in the "rotate half" arrangement of GPT-NeoX and Hugging Face
 * LLaMA: feature j pairs with feature j + headDim/2 and both rotate by angle `pos · base^(-2j/headDim)`.
 * Computed in float64 on the CPU once per model so every position's angle is exact to float32.
 */
export function ropeTables(contextLength: number, headDim: number, base: number): RopeTables {
  const half = headDim / 2;
  const cos = new Float32Array(contextLength * headDim);
  const sin = new Float32Array(contextLength * headDim);
  for (let pos = 0; pos < contextLength; pos++) {
    for (let j = 0; j < half; j++) {
      const angle = pos * base ** (-(2 * j) / headDim);
      for (const col of [j, j + half]) {
        cos[pos * headDim + col] = Math.cos(angle);
        sin[pos * headDim + col] = Math.sin(angle);
      }
    }
  }
  return { cos: tf.tensor2d(cos, [contextLength, headDim]), sin: tf.tensor2d(sin, [contextLength, headDim]) };
}

/**
 * Rotates queries or keys `x` for positions `offset .. offset + T - 1`: `x · cos + rotateHalf(x) · sin`, where
 * `rotateHalf([x1, x2]) = [-x2, x1]`. `x` is `[B, nHeads, T, headDim]`, or `[B, T, nHeads, headDim]` with
 * `timeAxis` 1.
 */
export function applyRope(
  x: tf.Tensor4D,
  tables: RopeTables,
  offset: number,
  timeAxis: 1 | 2 = 2,
): tf.Tensor4D {
  return tf.tidy(() => {
    const T = x.shape[timeAxis];
    const headDim = x.shape[3];
    const half = headDim / 2;
    // [T, headDim] broadcasts over B and nHeads; [T, 1, headDim] puts time before heads.
    const tableShape = timeAxis === 2 ? [T, headDim] : [T, 1, headDim];
    const cos = tf.reshape(tf.slice(tables.cos, [offset, 0], [T, headDim]), tableShape);
    const sin = tf.reshape(tf.slice(tables.sin, [offset, 0], [T, headDim]), tableShape);
    const [x1, x2] = tf.split(x, [half, half], -1) as [tf.Tensor4D, tf.Tensor4D];
    const rotated = tf.concat([tf.neg(x2), x1], -1);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  });
}
