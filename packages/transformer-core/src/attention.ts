import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.js';
import type { LayerCache } from './kv-cache.js';
import { applyRope, type RopeAngles } from './rope.js';

/** Weights of causal self-attention, in PyTorch's `[out, in]` layout. */
export interface AttentionParams {
  /** Query, key and value projections stacked: `[3 · dModel, dModel]`. */
  qkv: tf.Tensor2D;
  /** Output projection: `[dModel, dModel]`. */
  proj: tf.Tensor2D;
}

/** What one attention call needs besides its input and weights. */
export interface AttentionContext {
  nHeads: number;
  /**
   * The additive causal mask of this call's positions, `[T, S]` (see {@link causalMask}), built on first use:
   * the fused kernel needs none, and a mask over the whole context would be contextLength² floats.
   */
  mask: () => tf.Tensor2D;
  /** RoPE rotations at this call's positions, when positions are rotary. */
  rope?: RopeAngles;
  /** Sequence index of the first input position (the number of cached positions). */
  offset: number;
  /**
   * Additive padding mask `[B, 1, 1, S]` over the cached + new positions (0 for real tokens, -1e9 for padding),
   * or `undefined` when every position is real.
   */
  padding?: tf.Tensor4D;
  /** This layer's KV cache, when decoding incrementally. */
  cache?: LayerCache;
  /** Dropout on the attention weights (identity unless training). */
  dropout: (x: tf.Tensor) => tf.Tensor;
  /** Whether {@link AttentionContext.dropout} drops anything (training with a nonzero rate). */
  dropoutActive: boolean;
  /** The model's kernel set (fast or reference). */
  kernels: Kernels;
}

/** Multi-head causal self-attention (Vaswani et al. 2017) on `x` of shape `[B, T, dModel]`. */
export function attention(x: tf.Tensor3D, p: AttentionParams, ctx: AttentionContext): tf.Tensor3D {
  return tf.tidy(() => {
    const headDim = x.shape[2] / ctx.nHeads;
    const qkv = ctx.kernels.linear(x, p.qkv); // [B, T, 3 · dModel]: q | k | v, heads side by side in each
    // Whole sequences without dropout on the weights or padding (training steps, evaluation, prompts) can take
    // the kernel set's fused attention, which is causal over positions 0..T-1 and knows no other mask; decoding
    // against a KV cache, weight dropout and padded batches run the stock ops. Position ids need no fallback:
    // they only change the RoPE rotation, applied before the kernel.
    const fused =
      ctx.cache === undefined && ctx.offset === 0 && !ctx.dropoutActive && ctx.padding === undefined
        ? ctx.kernels.fusedAttention(headDim)
        : null;
    const y = fused
      ? fused(ctx.rope ? rotateQueriesAndKeys(qkv, ctx.rope, ctx.nHeads) : qkv, ctx.nHeads)
      : stockAttention(qkv, ctx);
    return ctx.kernels.linear(y, p.proj);
  });
}

// Attention as tfjs ops, for any cache, offset, padding and dropout: qkv [B, T, 3 · dModel] → [B, T, dModel].
function stockAttention(qkv: tf.Tensor3D, ctx: AttentionContext): tf.Tensor3D {
  const [B, T, width] = qkv.shape;
  const dModel = width / 3;
  const nHeads = ctx.nHeads;
  const headDim = dModel / nHeads;
  // A 4-D transpose per part puts heads before time. wasm transposes rank ≤ 4 quickly and rank 5 two orders of
  // magnitude slower, so [B, T, 3, nHeads, headDim] is never formed.
  const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nHeads, headDim]), [0, 2, 1, 3]);
  const [q0, k0, v] = tf.split(qkv, 3, -1).map(toHeads) as tf.Tensor4D[] as [
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor4D,
  ]; // [B, nHeads, T, headDim] each
  const q = ctx.rope ? applyRope(q0, ctx.rope) : q0;
  const kNew = ctx.rope ? applyRope(k0, ctx.rope) : k0;
  const { k, v: vAll } = ctx.cache ? ctx.cache.extend(kNew, v) : { k: kNew, v }; // [B, nHeads, S, headDim], S = offset + T
  const S = k.shape[2];
  // Attention is a batch of B·nHeads small matmuls; 3-D is the lowest rank that expresses it. q is scaled
  // instead of the scores: T·headDim values, not T·S.
  const q3 = tf.reshape(tf.mul(q, 1 / Math.sqrt(headDim)), [B * nHeads, T, headDim]);
  const k3 = tf.reshape(k, [B * nHeads, S, headDim]);
  const v3 = tf.reshape(vAll, [B * nHeads, S, headDim]);
  const scores = tf.matMul(q3, k3, false, true); // [B·nHeads, T, S]
  const causal = ctx.mask(); // [T, S], rows = query positions
  // A padded batch adds its [B, 1, 1, S] mask per row. A query whose every key is masked (a padding position of a
  // left-padded row) gets equal finite scores, so a uniform weighting instead of NaN; real queries never are.
  const masked = ctx.padding
    ? tf.reshape(tf.add(tf.reshape(scores, [B, nHeads, T, S]), tf.add(causal, ctx.padding)), [
        B * nHeads,
        T,
        S,
      ])
    : tf.add(scores, causal);
  const weights = ctx.dropout(tf.softmax(masked));
  const y = tf.reshape(tf.matMul(weights, v3), [B, nHeads, T, headDim]);
  return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, dModel]); // [B, T, nHeads · headDim]
}

// RoPE on the q and k parts of packed qkv [B, T, 3 · dModel], keeping the layout.
function rotateQueriesAndKeys(qkv: tf.Tensor3D, rope: RopeAngles, nHeads: number): tf.Tensor3D {
  const [B, T, width] = qkv.shape;
  const dModel = width / 3;
  const rotate = (t: tf.Tensor) =>
    tf.reshape(applyRope(tf.reshape(t, [B, T, nHeads, dModel / nHeads]), rope, 1), [B, T, dModel]);
  const [q, k, v] = tf.split(qkv, 3, -1) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  return tf.concat([rotate(q), rotate(k), v], -1) as tf.Tensor3D;
}

/**
 * The additive causal mask `[T, S]` of queries at positions `offset … offset + T − 1` over keys `0 … S − 1`: 0
 * where the key is at or before the query, -1e9 after it.
 */
export function causalMask(offset: number, T: number, S: number): tf.Tensor2D {
  // -1e9 rather than -Infinity: exp underflows to exactly 0 either way, and it keeps fully masked rows finite.
  const values = new Float32Array(T * S);
  for (let row = 0; row < T; row++) {
    const query = offset + row;
    if (query + 1 < S) values.fill(-1e9, row * S + query + 1, (row + 1) * S);
  }
  return tf.tensor2d(values, [T, S]);
}

/**
 * The additive padding mask (see {@link AttentionContext.padding}) of an attention mask's rows (`[B, S]`, 1 = real,
 * 0 = padding), or `undefined` when every position is real, so that unpadded batches keep the fused kernels.
 */
export function paddingMask(rows: number[][]): tf.Tensor4D | undefined {
  if (rows.every((row) => row.every((m) => m === 1))) return undefined;
  const S = rows[0]?.length ?? 0;
  const values = Float32Array.from(rows.flat(), (m) => (m === 1 ? 0 : -1e9));
  return tf.tensor4d(values, [rows.length, 1, 1, S]);
}
