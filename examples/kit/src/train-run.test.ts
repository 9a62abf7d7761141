import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../test/run-context.js';
import { hasCheckpoint } from './store.js';
import { type TrainRecipe, trainRun } from './train-run.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const recipe: TrainRecipe = { steps: 8, lr: 0.1, warmupSteps: 2, evalEvery: 3 };

/** Fits w to 2 (loss (w − 2)², metric |w − 2|); `failAt` makes that evaluation (0-based) throw, as a killed process would stop. */
async function fit(checkpointDir: string, resume: boolean, failAt?: number) {
  const w = tf.tidy(() => tf.variable(tf.scalar(0), true, 'w'));
  let last = Number.NaN;
  let evaluations = 0;
  const model = { params: { w }, config: { kind: 'scalar' }, dispose: () => w.dispose() };
  const { ctx, curves } = testContext({ dir: checkpointDir, resume });
  const metrics = await trainRun({
    ctx,
    model,
    train: { lossFn: () => tf.tidy(() => tf.square(tf.sub(w, 2)) as tf.Scalar), batches: () => ({}) },
    recipe,
    evaluate: () => {
      last = w.dataSync()[0] as number;
      if (evaluations++ === failAt) throw new Error('killed');
      return { error: Math.abs(last - 2) };
    },
  });
  expect(w.isDisposed).toBe(true);
  return { metrics, curves, w: last };
}

describe('trainRun', () => {
  it('evaluates on the schedule and after the last update, and returns the final metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-train-run-'));
    dirs.push(dir);
    const before = tf.memory().numTensors;
    const { metrics, curves, w } = await fit(dir, false);
    expect(curves.error?.map(([step]) => step)).toEqual([3, 6, 8]);
    expect(metrics).toEqual({ error: Math.abs(w - 2) });
    expect(curves.error?.at(-1)).toEqual([8, metrics.error]);
    expect(w).toBeGreaterThan(0.2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes the model when the run fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-train-run-'));
    dirs.push(dir);
    const before = tf.memory().numTensors;
    await expect(fit(dir, false, 0)).rejects.toThrow('killed');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checkpoints the run, so a run killed after a checkpoint resumes to the same weights', async () => {
    const [whole, killed] = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'kit-train-run-'))));
    dirs.push(whole as string, killed as string);
    const uninterrupted = await fit(whole as string, false);
    await expect(fit(killed as string, false, 1)).rejects.toThrow('killed');
    expect(await hasCheckpoint(killed as string)).toBe(true);
    const resumed = await fit(killed as string, true);
    expect(resumed.w).toBe(uninterrupted.w);
    expect(resumed.metrics).toEqual(uninterrupted.metrics);
  });
});
