import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.js';
import type { LayerCache } from './kv-cache.js';
import { applyRope, type RopeTables } from './rope.js';

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
  /** Additive causal mask `[contextLength, contextLength]`: 0 where attending is allowed, -1e9 above the diagonal. */
  mask: tf.Tensor2D;
  /** RoPE tables, when positions are rotary. */
  rope?: RopeTables;
  /** Position of the first input token (the number of cached positions). */
  offset: number;
  /** This layer's KV cache, when decoding incrementally. */
  cache?: LayerCache;
  /** Dropout on the attention weights (identity unless training). */
  dropout: (x: tf.Tensor) => tf.Tensor;
  /** The model's kernel set (fast or reference). */
  kernels: Kernels;
}

/** Multi-head causal self-attention (Vaswani et al. 2017) on `x` of shape `[B, T, dModel]`. */
export function attention(x: tf.Tensor3D, p: AttentionParams, ctx: AttentionContext): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, dModel] = x.shape;
    const nHeads = ctx.nHeads;
    const headDim = dModel / nHeads;
    // One matmul for q, k and v, then a 4-D transpose per part to put heads before time. wasm transposes rank
    // ≤ 4 quickly and rank 5 two orders of magnitude slower, so [B, T, 3, nHeads, headDim] is never formed.
    const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nHeads, headDim]), [0, 2, 1, 3]);
    const [q0, k0, v] = tf.split(ctx.kernels.linear(x, p.qkv), 3, -1).map(toHeads) as tf.Tensor4D[] as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ]; // [B, nHeads, T, headDim] each
    const q = ctx.rope ? applyRope(q0, ctx.rope, ctx.offset) : q0;
    const kNew = ctx.rope ? applyRope(k0, ctx.rope, ctx.offset) : k0;
    const { k, v: vAll } = ctx.cache ? ctx.cache.append(kNew, v) : { k: kNew, v }; // [B, nHeads, S, headDim], S = offset + T
    const S = k.shape[2];
    // Attention is a batch of B·nHeads small matmuls; 3-D is the lowest rank that expresses it. wasm runs every
    // batched matmul on its slow path, with or without transpose flags (measured equal), so the stock
    // transposed form and gradient are kept here. q is scaled instead of the scores: T·headDim values, not T·S.
    const q3 = tf.reshape(tf.mul(q, 1 / Math.sqrt(headDim)), [B * nHeads, T, headDim]);
    const k3 = tf.reshape(k, [B * nHeads, S, headDim]);
    const v3 = tf.reshape(vAll, [B * nHeads, S, headDim]);
    const scores = tf.matMul(q3, k3, false, true); // [B·nHeads, T, S]
    const mask = tf.slice(ctx.mask, [ctx.offset, 0], [T, S]); // [T, S], rows = query positions
    const weights = ctx.dropout(tf.softmax(tf.add(scores, mask)));
    const y = tf.reshape(tf.matMul(weights, v3), [B, nHeads, T, headDim]);
    const merged: tf.Tensor3D = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, dModel]); // [B, T, nHeads · headDim]
    return ctx.kernels.linear(merged, p.proj) as tf.Tensor3D;
  });
}

/** The additive causal mask for `contextLength` positions (see {@link AttentionContext.mask}). */
export function causalMask(contextLength: number): tf.Tensor2D {
  // -1e9 rather than -Infinity: exp underflows to exactly 0 either way, and it keeps fully masked rows finite.
  const values = new Float32Array(contextLength * contextLength);
  for (let row = 0; row < contextLength; row++) {
    values.fill(-1e9, row * contextLength + row + 1, (row + 1) * contextLength);
  }
  return tf.tensor2d(values, [contextLength, contextLength]);
}
