import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { TINY } from '../../../test/variants.js';
import type { ModelConfigInput } from '../../config.js';
import type { TransformerModel } from '../../model.js';
import { trainableOf } from '../../train/check-gradients.js';
import type { NamedGradients } from '../../train/clip.js';
import { crossEntropy } from '../../train/cross-entropy.js';

/** Three-head models covering both head types and both embedding tyings (positions and norms vary too). */
export const HEAD_VARIANTS: Array<[string, ModelConfigInput]> = [
  ['transformer heads, tied', { ...TINY, heads: { count: 3, type: 'transformer' } }],
  [
    'transformer heads, untied (rope, rmsnorm)',
    { ...TINY, nLayers: 3, positional: 'rope', norm: 'rmsnorm', tieEmbeddings: false, heads: { count: 3 } },
  ],
  ['linear heads, tied (rope)', { ...TINY, positional: 'rope', heads: { count: 3, type: 'linear' } }],
  [
    'linear heads, untied (rmsnorm)',
    { ...TINY, norm: 'rmsnorm', tieEmbeddings: false, heads: { count: 3, type: 'linear' } },
  ],
];

/** Token ids `[2, 7]` below TINY's vocabulary. */
export const IDS = [
  [1, 4, 2, 9, 0, 7, 3],
  [3, 3, 10, 5, 6, 1, 8],
];

/**
 * The multi-token loss of one head on the token rows `ids` (default {@link IDS}): head i predicts the token i + 1
 * positions ahead; positions whose target falls past the window are masked (their target is -1). Mean
 * cross-entropy over the kept positions.
 */
export function shiftedLoss(logits: tf.Tensor3D, head: number, ids: number[][] = IDS): tf.Scalar {
  const targets = ids.map((row) => row.map((_, t) => row[t + 1 + head] ?? -1));
  const mask = targets.map((row) => row.map((id) => (id < 0 ? 0 : 1)));
  return crossEntropy(logits, targets, { mask });
}

/** Reference: gradients of Σ_i loss_i over `heads` on ONE tape (`model.forward` with every head). */
export function singleTape(
  model: TransformerModel,
  heads: number[],
  run: { training?: boolean; seed?: number } = {},
): { loss: tf.Scalar; grads: NamedGradients } {
  const trainable = Object.entries(trainableOf(model.params));
  const { value, grads } = tf.variableGrads(
    () => {
      const { logits } = model.forward(IDS, { heads, ...run });
      return tf.addN(logits.map((l, j) => shiftedLoss(l, heads[j] as number))) as tf.Scalar;
    },
    trainable.map(([, v]) => v),
  );
  const named: NamedGradients = {};
  for (const [name, v] of trainable) if (grads[v.name]) named[name] = grads[v.name] as tf.Tensor;
  return { loss: value, grads: named };
}

/** Same names, and each gradient within 1e-5 · max(1, max |reference|) of the reference. */
export function expectSameGradients(got: NamedGradients, reference: NamedGradients): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(reference).sort());
  for (const [name, ref] of Object.entries(reference)) {
    const [diff, scale] = tf.tidy(() => [
      tf.max(tf.abs(tf.sub(got[name] as tf.Tensor, ref))).dataSync()[0] as number,
      tf.max(tf.abs(ref)).dataSync()[0] as number,
    ]);
    expect(diff, name).toBeLessThanOrEqual(1e-5 * Math.max(1, scale as number));
  }
}
