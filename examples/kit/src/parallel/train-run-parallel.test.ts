import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiTokenGradients, multiTokenLossFn } from '@beyond-ntp/losses-multitoken';
import { initBackend } from '@beyond-ntp/runtime';
import { DataParallel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { testContext } from '../../test/run-context.js';
import { PAD, paddedBatch, tinyTwoTokenModel } from '../../test/tiny-multi-token.js';
import { type TrainRecipe, trainRun } from '../train-run.js';
import type { ParallelMode } from './choice.js';
import { multiTokenParallel } from './multi-token.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

// Every DataParallel the runs start, and how many of them were closed.
const started: DataParallel[] = [];
let closed = 0;
const originalStart = DataParallel.start.bind(DataParallel);
beforeAll(() => {
  vi.spyOn(DataParallel, 'start').mockImplementation(async (params, options) => {
    const parallel = await originalStart(params, options);
    started.push(parallel);
    const close = parallel.close.bind(parallel);
    parallel.close = async () => {
      closed++;
      await close();
    };
    return parallel;
  });
});
afterAll(() => vi.restoreAllMocks());

const recipe: TrainRecipe = { steps: 6, lr: 0.01, evalEvery: 2 };
const heldOut = paddedBatch(1000, 6);
const EVALUATION = { training: false, step: 0, seed: 0 };

/**
 * One run of the tiny 2-token model on padded batches through the kit's `trainRun`, with `parallel` offered and
 * `--parallel mode`. Returns the final weights, the loss curve, the held-out losses and the recorded training.
 * `failAt` makes that evaluation (0-based) throw, as a killed process would stop.
 */
async function run(args: { dir: string; mode: ParallelMode; resume?: boolean; failAt?: number }) {
  const model = tinyTwoTokenModel(7);
  const objective = { model, padId: PAD };
  const { ctx, curves, recorded } = testContext({
    dir: args.dir,
    checkpointDir: join(args.dir, 'checkpoints'),
    resume: args.resume ?? false,
    parallel: args.mode,
  });
  let weights: Record<string, number[]> = {};
  let evaluations = 0;
  const metrics = await trainRun({
    ctx,
    model,
    train: {
      lossFn: multiTokenLossFn(objective),
      gradients: multiTokenGradients(objective),
      batches: (step) => paddedBatch(step),
    },
    recipe,
    parallel: multiTokenParallel(objective),
    evaluate: () => {
      if (evaluations++ === args.failAt) throw new Error('killed');
      weights = Object.fromEntries(
        Object.entries(model.params).map(([n, v]) => [n, Array.from(v.dataSync())]),
      );
      return {
        heldOut: tf.tidy(() => multiTokenLossFn(objective)(heldOut, EVALUATION).dataSync()[0] as number),
      };
    },
  });
  return { metrics, weights, curves, training: recorded.training };
}

const maxDiff = (a: Record<string, number[]>, b: Record<string, number[]>) =>
  Math.max(
    ...Object.entries(a).map(([name, values]) =>
      Math.max(...values.map((x, i) => Math.abs(x - ((b[name] as number[])[i] as number)))),
    ),
  );

const newDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kit-parallel-'));
  dirs.push(dir);
  return dir;
};

describe('trainRun with parallel', { timeout: 120_000 }, () => {
  let off: Awaited<ReturnType<typeof run>>;
  let on: Awaited<ReturnType<typeof run>>;

  it('trains on two threads what it trains on one, to float rounding, and stops the worker', async () => {
    const before = tf.memory().numTensors;
    off = await run({ dir: await newDir(), mode: 'off' });
    expect(started).toHaveLength(0);
    expect(off.training).toEqual({ threads: 1, decidedBy: 'off', singleMs: null, parallelMs: null });
    on = await run({ dir: await newDir(), mode: 'on' });
    expect(on.training).toEqual({ threads: 2, decidedBy: 'on', singleMs: null, parallelMs: null });
    expect([started.length, closed]).toEqual([1, 1]);
    expect(tf.memory().numTensors).toBe(before);

    const losses = (r: typeof off) => (r.curves.loss ?? []).map(([, loss]) => loss);
    expect(losses(off)).toHaveLength(6);
    // The weights moved far more than the tolerance, so agreeing within it says something.
    const initial = tinyTwoTokenModel(7);
    const start = Object.fromEntries(
      Object.entries(initial.params).map(([n, v]) => [n, Array.from(v.dataSync())]),
    );
    initial.dispose();
    expect(maxDiff(off.weights, start)).toBeGreaterThan(1e-3);
    expect(losses(on)).toHaveLength(6);
    for (const [i, loss] of losses(on).entries()) {
      expect(Math.abs(loss - (losses(off)[i] as number)), `loss of step ${i + 1}`).toBeLessThan(1e-5);
    }
    expect(Math.abs((on.metrics.heldOut as number) - (off.metrics.heldOut as number))).toBeLessThan(1e-5);
    expect(maxDiff(on.weights, off.weights)).toBeLessThan(1e-5);
    expect(maxDiff(on.weights, off.weights)).toBeGreaterThan(0); // the two paths really differed
  });

  it('stops the worker and frees every tensor when the run throws', async () => {
    const before = tf.memory().numTensors;
    const [startedBefore, closedBefore] = [started.length, closed];
    await expect(run({ dir: await newDir(), mode: 'on', failAt: 0 })).rejects.toThrow('killed');
    expect([started.length - startedBefore, closed - closedBefore]).toEqual([1, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('auto times both paths without training: the run equals the forced run of the path it chose', async () => {
    const before = tf.memory().numTensors;
    const dir = await newDir();
    const auto = await run({ dir, mode: 'auto' });
    expect(tf.memory().numTensors).toBe(before);
    expect(closed).toBe(started.length);
    const training = auto.training;
    expect(training).toMatchObject({ decidedBy: 'auto' });
    const { threads, singleMs, parallelMs } = training as {
      threads: 1 | 2;
      singleMs: number;
      parallelMs: number;
    };
    expect(threads).toBe(parallelMs <= 0.9 * singleMs ? 2 : 1);
    // Bit for bit: timing computed gradients only, and left weights, seeds and data as they were.
    expect(auto.weights).toEqual(threads === 2 ? on.weights : off.weights);
    expect(JSON.parse(await readFile(join(dir, 'training-threads.json'), 'utf8'))).toEqual(training);
  });

  it('a resumed auto run keeps the choice its first attempt timed; a forced mode overrides it', async () => {
    const dir = await newDir();
    await expect(run({ dir, mode: 'auto', failAt: 1 })).rejects.toThrow('killed');
    expect(existsSync(join(dir, 'checkpoints'))).toBe(true);
    const timed = JSON.parse(await readFile(join(dir, 'training-threads.json'), 'utf8'));
    const resumed = await run({ dir, mode: 'auto', resume: true });
    expect(resumed.training).toEqual({ ...timed, decidedBy: 'recorded' });
    expect(resumed.weights).toEqual(timed.threads === 2 ? on.weights : off.weights);
    expect(closed).toBe(started.length);

    const forcedDir = await newDir();
    await expect(run({ dir: forcedDir, mode: 'auto', failAt: 1 })).rejects.toThrow('killed');
    const forced = await run({ dir: forcedDir, mode: 'off', resume: true });
    expect(forced.training).toEqual({ threads: 1, decidedBy: 'off', singleMs: null, parallelMs: null });
  });
});
