import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { createModel } from '../model.js';
import type { StepMetrics } from './callbacks.js';
import { crossEntropy } from './cross-entropy.js';
import type { LossContext } from './evaluate.js';
import { type TrainOptions, train } from './trainer.js';

// The training toolkit on the real model: overfitting, tensor hygiene, exact resume, checkpoint → same logits.
const config = {
  vocabSize: 12,
  contextLength: 16,
  dModel: 16,
  nLayers: 2,
  nHeads: 2,
  positional: 'rope' as const,
};
const ids = [
  [1, 2, 3, 4, 5, 6, 7, 8],
  [8, 7, 6, 5, 4, 3, 2, 1],
];
const targets = [
  [2, 3, 4, 5, 6, 7, 8, 9],
  [7, 6, 5, 4, 3, 2, 1, 0],
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-model-train-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Trains a model initialised with `initSeed` on one fixed batch; returns the model and each step's metrics. */
async function run(initSeed: number, options: Partial<TrainOptions<null>>, dropout = 0) {
  const model = createModel({ ...config, dropout }, { seed: initSeed });
  const batch = { ids: tf.tensor2d(ids, [2, 8], 'int32'), targets: tf.tensor2d(targets, [2, 8], 'int32') };
  const lossFn = (_: null, context: LossContext) =>
    tf.tidy(() => {
      const { logits } = model.forward(batch.ids, { training: context.training, seed: context.seed });
      return crossEntropy(logits[0] as tf.Tensor3D, batch.targets);
    });
  const steps: StepMetrics[] = [];
  const tensorCounts: number[] = [];
  await train<null>({
    params: model.params,
    lossFn,
    batches: () => null,
    steps: 120,
    learningRate: 0.02,
    optimizer: { weightDecay: 0 },
    ...options,
    callbacks: [
      {
        onStep: (metrics) => {
          steps.push(metrics);
          tensorCounts.push(tf.memory().numTensors);
        },
      },
    ],
  });
  tf.dispose(batch);
  return { model, steps, tensorCounts, losses: steps.map((m) => m.loss) };
}

it('overfits a fixed batch, resumes exactly, and its checkpoint reproduces the logits', async () => {
  const full = await run(1, { checkpoint: { dir: join(dir, 'full'), every: 60, config } });
  expect(full.losses[0]).toBeGreaterThan(2);
  expect(full.losses.at(-1)).toBeLessThan(0.01);
  expect(new Set(full.tensorCounts).size).toBe(1);

  const half = await run(1, { steps: 60, checkpoint: { dir: join(dir, 'half'), every: 60, config } });
  half.model.dispose();
  // A differently initialised model: the resumed weights must come from the checkpoint.
  const resumed = await run(7, { resume: true, checkpoint: { dir: join(dir, 'half'), every: 60, config } });
  expect(resumed.losses).toEqual(full.losses.slice(60));
  resumed.model.dispose();

  const fresh = createModel(config, { seed: 9 });
  const checkpoint = await loadCheckpoint(join(dir, 'full'));
  fresh.loadWeights(checkpoint.params);
  tf.dispose([checkpoint.params, checkpoint.optimizerState ?? {}]);
  const [expected] = full.model.forward([[1, 2, 3]]).logits;
  const [actual] = fresh.forward([[1, 2, 3]]).logits;
  expect(Array.from(await (actual as tf.Tensor).data())).toEqual(
    Array.from(await (expected as tf.Tensor).data()),
  );
  tf.dispose([expected, actual]);
  full.model.dispose();
  fresh.dispose();
}, 120_000);

it('same seeds give the identical loss sequence, dropout included; another seed does not', async () => {
  const a = await run(1, { steps: 20, seed: 5 }, 0.1);
  const b = await run(1, { steps: 20, seed: 5 }, 0.1);
  const c = await run(1, { steps: 20, seed: 6 }, 0.1);
  expect(b.losses).toEqual(a.losses);
  expect(c.losses).not.toEqual(a.losses);
  for (const r of [a, b, c]) r.model.dispose();
}, 60_000);
