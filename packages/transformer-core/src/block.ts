import * as tf from '@tensorflow/tfjs-core';
import { type AttentionContext, type AttentionParams, attention } from './attention.js';
import { type MlpParams, mlp } from './mlp.js';
import type { NormParams } from './norm.js';

/** Weights of one pre-norm transformer block. */
export interface BlockParams {
  ln1: NormParams;
  attn: AttentionParams;
  ln2: NormParams;
  mlp: MlpParams;
}

/**
 * A pre-norm transformer block (GPT-2): `x + attn(ln1(x))`, then `+ mlp(ln2(·))`, with dropout on both
 * residual branches. Input and output are `[B, T, dModel]`.
 */
export function block(x: tf.Tensor3D, p: BlockParams, ctx: AttentionContext): tf.Tensor3D {
  return tf.tidy(() => {
    const h = tf.add(x, ctx.dropout(attention(ctx.kernels.norm(x, p.ln1), p.attn, ctx))) as tf.Tensor3D;
    return tf.add(h, ctx.dropout(mlp(ctx.kernels.norm(h, p.ln2), p.mlp, ctx.kernels))) as tf.Tensor3D;
  });
}
