import {
  type GradientContext,
  type ModelConfigInput,
  type NamedGradients,
  stepSeed,
  type TransformerModel,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { MultiTokenBatch } from '../src/batch.js';
import { multiTokenLossFn } from '../src/loss-fn.js';
import type { MultiTokenObjective } from '../src/objective.js';

/** A tiny model with `count` heads of `type`: transformer heads tied with learned positions, linear heads untied with RoPE and RMSNorm. */
export function tinyConfig(count: number, type: 'transformer' | 'linear', dropout = 0): ModelConfigInput {
  const base = { vocabSize: 11, contextLength: 12, dModel: 8, nHeads: 2, dropout };
  return type === 'transformer'
    ? { ...base, nLayers: 3, heads: { count, type } }
    : {
        ...base,
        nLayers: 2,
        positional: 'rope',
        norm: 'rmsnorm',
        tieEmbeddings: false,
        heads: { count, type },
      };
}

/** Two windows of 7 tokens below the tiny vocabulary: row 0 ends in padding (id 0), row 1 masks its token 3. */
export const BATCHES: MultiTokenBatch[] = [
  {
    ids: [
      [1, 4, 2, 9, 7, 0, 0],
      [3, 3, 10, 5, 6, 1, 8],
    ],
    mask: [
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 1, 1, 1],
    ],
  },
  {
    ids: [
      [5, 2, 8, 8, 1, 6, 3],
      [2, 9, 4, 7, 10, 0, 0],
    ],
  },
];

/** The context `train` gives a gradient source for update `step` over `batches` (seeds as `train` derives them). */
export function contextFor(
  model: TransformerModel,
  objective: MultiTokenObjective,
  batches: MultiTokenBatch[],
  step = 0,
): GradientContext<MultiTokenBatch> {
  return {
    step,
    microBatches: batches.length,
    batch: (micro) => batches[micro] as MultiTokenBatch,
    seeds: batches.map((_, micro) => stepSeed(0, step, micro)),
    params: model.params,
    lossFn: multiTokenLossFn(objective),
  };
}

/**
 * Max over weights of max|got − ref| / max|ref| (the largest error relative to each gradient's own scale), after
 * checking both have the same names.
 */
export function maxRelativeDifference(got: NamedGradients, reference: NamedGradients): number {
  expect(Object.keys(got).sort()).toEqual(Object.keys(reference).sort());
  let worst = 0;
  for (const [name, ref] of Object.entries(reference)) {
    const [diff, scale] = tf.tidy(() => [
      tf.max(tf.abs(tf.sub(got[name] as tf.Tensor, ref))).dataSync()[0] as number,
      tf.max(tf.abs(ref)).dataSync()[0] as number,
    ]) as [number, number];
    expect(scale, `${name} has a zero gradient: the comparison would be empty`).toBeGreaterThan(0);
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}
