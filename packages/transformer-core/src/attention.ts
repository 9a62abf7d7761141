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
    // Whole sequences without dropout on the weights (training steps, evaluation, prompts) can take the kernel
    // set's fused attention; decoding against a KV cache and weight dropout run the stock ops.
    const fused =
      ctx.cache === undefined && ctx.offset === 0 && !ctx.dropoutActive
        ? ctx.kernels.fusedAttention(headDim)
        : null;
    const y = fused
      ? fused(ctx.rope ? rotateQueriesAndKeys(qkv, ctx.rope, ctx.nHeads) : qkv, ctx.nHeads)
      : stockAttention(qkv, ctx);
    return ctx.kernels.linear(y, p.proj);
  });
}

// Attention as tfjs ops, for any cache, offset and dropout: qkv [B, T, 3 · dModel] → [B, T, dModel].
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
  const q = ctx.rope ? applyRope(q0, ctx.rope, ctx.offset) : q0;
  const kNew = ctx.rope ? applyRope(k0, ctx.rope, ctx.offset) : k0;
  const { k, v: vAll } = ctx.cache ? ctx.cache.append(kNew, v) : { k: kNew, v }; // [B, nHeads, S, headDim], S = offset + T
  const S = k.shape[2];
  // Attention is a batch of B·nHeads small matmuls; 3-D is the lowest rank that expresses it. q is scaled
  // instead of the scores: T·headDim values, not T·S.
  const q3 = tf.reshape(tf.mul(q, 1 / Math.sqrt(headDim)), [B * nHeads, T, headDim]);
  const k3 = tf.reshape(k, [B * nHeads, S, headDim]);
  const v3 = tf.reshape(vAll, [B * nHeads, S, headDim]);
  const scores = tf.matMul(q3, k3, false, true); // [B·nHeads, T, S]
  const mask = tf.slice(ctx.mask, [ctx.offset, 0], [T, S]); // [T, S], rows = query positions
  const weights = ctx.dropout(tf.softmax(tf.add(scores, mask)));
  const y = tf.reshape(tf.matMul(weights, v3), [B, nHeads, T, headDim]);
  return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, dModel]); // [B, T, nHeads · headDim]
}

// RoPE on the q and k parts of packed qkv [B, T, 3 · dModel], for positions from 0, keeping the layout.
function rotateQueriesAndKeys(qkv: tf.Tensor3D, rope: RopeTables, nHeads: number): tf.Tensor3D {
  const [B, T, width] = qkv.shape;
  const dModel = width / 3;
  const rotate = (t: tf.Tensor) =>
    tf.reshape(applyRope(tf.reshape(t, [B, T, nHeads, dModel / nHeads]), rope, 0, 1), [B, T, dModel]);
  const [q, k, v] = tf.split(qkv, 3, -1) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  return tf.concat([rotate(q), rotate(k), v], -1) as tf.Tensor3D;
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
