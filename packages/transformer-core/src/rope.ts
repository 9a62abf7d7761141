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
 * The rows of {@link RopeTables} at one call's positions: `[1, T, headDim]` when every row of the batch sits at
 * positions `offset .. offset + T - 1`, `[B, T, headDim]` with per-row position ids.
 */
export interface RopeAngles {
  cos: tf.Tensor3D;
  sin: tf.Tensor3D;
}

/**
 * Looks up the rotation of positions `offset .. offset + T - 1` (a number) or of per-row position ids (an int32
 * tensor `[B, T]`). The tables are constants, so the lookup is a plain gather: no gradient flows into it.
 */
export function ropeAngles(tables: RopeTables, positions: number | tf.Tensor2D, T: number): RopeAngles {
  return tf.tidy(() => {
    const headDim = tables.cos.shape[1];
    if (typeof positions === 'number') {
      const rows = (table: tf.Tensor2D) =>
        tf.reshape(tf.slice(table, [positions, 0], [T, headDim]), [1, T, headDim]) as tf.Tensor3D;
      return { cos: rows(tables.cos), sin: rows(tables.sin) };
    }
    const [B] = positions.shape;
    const flat = tf.reshape(positions, [B * T]) as tf.Tensor1D;
    const rows = (table: tf.Tensor2D) => tf.reshape(tf.gather(table, flat), [B, T, headDim]) as tf.Tensor3D;
    return { cos: rows(tables.cos), sin: rows(tables.sin) };
  });
}

/**
 * Rotates queries or keys `x` by `angles`: `x · cos + rotateHalf(x) · sin`, where `rotateHalf([x1, x2]) =
 * [-x2, x1]`. `x` is `[B, nHeads, T, headDim]`, or `[B, T, nHeads, headDim]` with `timeAxis` 1.
 */
export function applyRope(x: tf.Tensor4D, angles: RopeAngles, timeAxis: 1 | 2 = 2): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, T, headDim] = angles.cos.shape;
    const half = headDim / 2;
    // [b, 1, T, headDim] broadcasts over heads; [b, T, 1, headDim] puts time before heads.
    const tableShape = timeAxis === 2 ? [b, 1, T, headDim] : [b, T, 1, headDim];
    const cos = tf.reshape(angles.cos, tableShape);
    const sin = tf.reshape(angles.sin, tableShape);
    const [x1, x2] = tf.split(x, [half, half], -1) as [tf.Tensor4D, tf.Tensor4D];
    const rotated = tf.concat([tf.neg(x2), x1], -1);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  });
}
