import { createModel, type ModelConfigInput, type TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { CoconutError } from '../src/errors.js';

/** Special token ids of the test vocabulary (16 ids: 0 pad, 1..11 words, then the markers). */
export const TOKENS = { pad: 0, pause: 12, bot: 13, eot: 14, latent: 15 };

/** A tiny model: big enough for attention, heads and norms to matter, small enough for finite differences. */
export const TINY: ModelConfigInput = { vocabSize: 16, contextLength: 32, dModel: 8, nLayers: 2, nHeads: 2 };

/** Model configurations the forward is checked on: learned positions, RoPE + RMSNorm, and two linear heads. */
export const VARIANTS: Array<[string, ModelConfigInput]> = [
  ['learned positions', TINY],
  ['rope + rmsnorm', { ...TINY, positional: 'rope', norm: 'rmsnorm' }],
  ['linear heads, untied', { ...TINY, heads: { count: 2, type: 'linear' }, tieEmbeddings: false }],
];

/** A model of `config` with weights scaled up from GPT-2's N(0, 0.02), so that thoughts change the logits visibly. */
export function sharpModel(config: ModelConfigInput, seed: number): TransformerModel {
  const model = createModel(config, { seed });
  for (const [name, param] of Object.entries(model.params)) {
    if (param.rank === 2) tf.tidy(() => param.assign(tf.mul(param, name.startsWith('pos_emb') ? 10 : 20)));
  }
  return model;
}

/** Max |a − b| over all elements (shapes must match). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN);
}

/** Max |x| over all elements. */
export function maxAbs(x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(x)).dataSync()[0] ?? Number.NaN);
}

/** Max |a − b| over two nested arrays of numbers of the same shape. */
export function maxArrayDiff(a: unknown, b: unknown): number {
  const [x, y] = [flat(a), flat(b)];
  expect(x.length).toBe(y.length);
  return x.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (y[i] as number))), 0);
}

function flat(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flat) : [value as number];
}

/** What `run` throws, as `CODE message` for a CoconutError, or 'no error'. */
export function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return describe(error);
  }
  return 'no error';
}

/** {@link failure} for an async `run`. */
export async function asyncFailure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return describe(error);
  }
  return 'no error';
}

function describe(error: unknown): string {
  return CoconutError.isInstance(error) ? `${error.code} ${error.message}` : `other: ${String(error)}`;
}
