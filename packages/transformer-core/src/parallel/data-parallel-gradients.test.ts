import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/gradcheck.js';
import { TINY } from '../../test/variants.js';
import { assignParams } from '../checkpoint/tensors.js';
import { createModel, type TransformerModel } from '../model.js';
import { parameterGroups } from '../param-groups.js';
import { mixSeed } from '../random.js';
import type { StepMetrics } from '../train/callbacks.js';
import { crossEntropy } from '../train/cross-entropy.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import type { LossContext } from '../train/evaluate.js';
import { warmupCosineSchedule } from '../train/schedule.js';
import { killAt } from '../train/test-helpers/kill-at.js';
import { storedCounts } from '../train/test-helpers/stored-counts.js';
import { type TrainOptions, train } from '../train/trainer.js';
import { DataParallel } from './data-parallel.js';
import { dataParallelGradients } from './data-parallel-gradients.js';

/** A batch as test/replica-worker.ts takes it: plain rows, so shards can be posted to workers. */
interface Rows {
  ids: number[][];
  targets: number[][];
}

const config = { ...TINY, positional: 'rope' as const };
const WORKERS = 2;
const ROWS = 6; // two per thread

/** Micro-batch `micro` of update `step`: pseudo-random ids, targets of a fixed rule the model can learn. */
function rowsAt(step: number, micro: number): Rows {
  const ids = Array.from({ length: ROWS }, (_, r) =>
    Array.from({ length: 8 }, (_, t) => (step * 7 + micro * 5 + r * 3 + t * t) % TINY.vocabSize),
  );
  return { ids, targets: ids.map((row) => row.map((id) => (id * 3 + 1) % TINY.vocabSize)) };
}

const shardRows = ({ ids, targets }: Rows, index: number, count: number): Rows => {
  const size = ids.length / count;
  return {
    ids: ids.slice(index * size, (index + 1) * size),
    targets: targets.slice(index * size, (index + 1) * size),
  };
};

/** Head 0's mean cross-entropy, as test/replica-worker.ts computes it, with the context's dropout. */
const lossOf =
  (model: TransformerModel) =>
  ({ ids, targets }: Rows, { training, seed }: LossContext) =>
    crossEntropy(
      model.forward(ids, { training, seed }).logits[0] as tf.Tensor3D,
      tf.tensor2d(targets, undefined, 'int32'),
    );

/** Workers for `model`, built from `workerConfig` on this backend. */
const startWorkers = (model: TransformerModel, workerConfig: typeof config) =>
  DataParallel.start(model.params, {
    module: new URL('../../test/replica-worker.mjs', import.meta.url),
    workers: WORKERS,
    data: { config: workerConfig, backend: tf.getBackend() },
    execArgv: [],
  });

describe('train() with dataParallelGradients', () => {
  const single = createModel(config, { seed: 1 });
  const parallelModel = createModel(config, { seed: 1 });
  let parallel: DataParallel;

  beforeAll(async () => {
    parallel = await startWorkers(parallelModel, config);
  }, 60_000); // workers load tsx, tfjs and a backend before they answer
  afterAll(async () => {
    await parallel?.close();
    single.dispose();
    parallelModel.dispose();
  });

  /** 20 updates of 2 micro-batches, with schedule, clipping, weight decay and evaluation. */
  async function run(model: typeof single, extra: Partial<TrainOptions<Rows>> = {}) {
    const steps: StepMetrics[] = [];
    const tensorCounts: number[] = [];
    await train<Rows>({
      params: model.params,
      lossFn: lossOf(model),
      batches: rowsAt,
      steps: 20,
      accumulate: 2,
      learningRate: warmupCosineSchedule({ maxLr: 0.02, warmupSteps: 4, decaySteps: 20 }),
      clipNorm: 1,
      evaluate: { every: 10, batches: [rowsAt(1000, 0)] },
      callbacks: [
        {
          onStep(metrics) {
            steps.push(metrics);
            tensorCounts.push(tf.memory().numTensors);
          },
        },
      ],
      ...extra,
    });
    return { steps, tensorCounts };
  }

  it(`reproduces the one-thread losses to 1e-5 over 20 steps with ${WORKERS} workers`, {
    timeout: 60_000,
  }, async () => {
    const reference = await run(single);
    const before = tf.memory().numTensors;
    const spread = await run(parallelModel, {
      gradients: dataParallelGradients(parallel, { shard: shardRows }),
    });
    const losses = reference.steps.map((m) => m.loss);
    expect(losses).toHaveLength(20);
    // The run learns, so agreement is not that of two constant sequences.
    expect(losses[19]).toBeLessThan((losses[0] as number) * 0.8);
    spread.steps.forEach((metrics, i) => {
      const expected = reference.steps[i] as StepMetrics;
      expect(Math.abs(metrics.loss - expected.loss), `loss of step ${i + 1}`).toBeLessThan(1e-5);
      expect(Math.abs(metrics.gradNorm - expected.gradNorm), `grad norm of step ${i + 1}`).toBeLessThan(1e-5);
    });
    for (const step of [9, 19]) {
      const evalLoss = spread.steps[step]?.evalLoss as number;
      expect(Math.abs(evalLoss - (reference.steps[step]?.evalLoss as number))).toBeLessThan(1e-5);
    }
    expect(new Set(spread.tensorCounts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes shards of their own type, computing this thread’s with `loss`', { timeout: 60_000 }, async () => {
    // Batches wrap their rows, so `lossFn` cannot take a shard: this thread's shard must go through `loss`.
    interface Wrapped {
      rows: Rows;
    }
    const fresh = createModel(config, { seed: 2 });
    assignParams(single.params, fresh.params, 'fresh weights');
    assignParams(parallelModel.params, fresh.params, 'fresh weights');
    fresh.dispose();
    const wrappedRun = async (model: TransformerModel, extra: Partial<TrainOptions<Wrapped>> = {}) => {
      const losses: number[] = [];
      await train<Wrapped>({
        params: model.params,
        lossFn: ({ rows }, context) => lossOf(model)(rows, context),
        batches: (step, micro) => ({ rows: rowsAt(step, micro) }),
        steps: 5,
        accumulate: 2,
        learningRate: 0.02,
        callbacks: [{ onStep: ({ loss }) => void losses.push(loss) }],
        ...extra,
      });
      return losses;
    };
    const reference = await wrappedRun(single);
    const before = tf.memory().numTensors;
    const spread = await wrappedRun(parallelModel, {
      gradients: dataParallelGradients<Wrapped, Rows>(parallel, {
        shard: ({ rows }, index, count) => shardRows(rows, index, count),
        loss: lossOf(parallelModel),
      }),
    });
    expect(spread).toHaveLength(5);
    spread.forEach((loss, i) => {
      expect(Math.abs(loss - (reference[i] as number)), `loss of step ${i + 1}`).toBeLessThan(1e-5);
    });
    for (const [name, variable] of Object.entries(parallelModel.params)) {
      const diff = maxAbsDiff(variable, single.params[name] as tf.Variable);
      expect(diff, name).toBeLessThan(1e-5);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves out non-trainable parameters and rejects gradients of parameters train() does not have', async () => {
    const name = 'ln_f.weight';
    const frozen = parallelModel.params[name] as tf.Variable;
    const before = Array.from(frozen.dataSync());
    frozen.trainable = false;
    try {
      await run(parallelModel, {
        steps: 1,
        gradients: dataParallelGradients(parallel, { shard: shardRows }),
      });
      expect(Array.from(frozen.dataSync())).toEqual(before);
    } finally {
      frozen.trainable = true;
    }
    const { [name]: _dropped, ...fewer } = parallelModel.params;
    const error = await run(parallelModel, {
      params: fewer,
      steps: 1,
      gradients: dataParallelGradients(parallel, { shard: shardRows }),
    }).catch((e: unknown) => e);
    expect(InvalidTrainingArgumentError.isInstance(error) && error.message).toBe(
      `gradients: "${name}" is not a trainable parameter`,
    );
  });
});

describe('dataParallelGradients: unreached weights and dropout', () => {
  // Two heads and dropout. Every loss here, and the replicas', reads head 0 only: head 1 gets no gradient.
  const dropoutConfig = { ...config, dropout: 0.1, heads: { count: 2 } };
  const model = createModel(dropoutConfig, { seed: 1 });
  const initial = Object.fromEntries(Object.entries(model.params).map(([name, v]) => [name, tf.clone(v)]));
  const headOne = parameterGroups(model).heads[1] as string[];
  let parallel: DataParallel;
  let dir: string;
  beforeAll(async () => {
    parallel = await startWorkers(model, dropoutConfig);
  }, 60_000);
  afterAll(async () => {
    await parallel?.close();
    tf.dispose(initial);
    model.dispose();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bntp-data-parallel-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Updates of `target` from the initial weights with weight decay and dropout; checkpoints in `dir/name`. */
  async function runOn(target: TransformerModel, name: string, extra: Partial<TrainOptions<Rows>> = {}) {
    assignParams(target.params, initial, 'initial weights');
    const losses: number[] = [];
    await train<Rows>({
      params: target.params,
      lossFn: lossOf(target),
      batches: rowsAt,
      steps: 6,
      accumulate: 2,
      learningRate: 0.05,
      optimizer: { weightDecay: 0.1 },
      seed: 3,
      checkpoint: { dir: join(dir, name), every: 3, config: dropoutConfig },
      callbacks: [{ onStep: ({ loss }) => void losses.push(loss) }],
      ...extra,
    });
    const weights = Object.fromEntries(
      Object.entries(target.params).map(([key, v]) => [key, Array.from(v.dataSync())]),
    );
    return { losses, weights };
  }
  const spread = () => ({ gradients: dataParallelGradients(parallel, { shard: shardRows }) });

  it('gives no gradient to weights no shard reaches, so AdamW leaves them as the default run does', async () => {
    const single = createModel(dropoutConfig, { seed: 5 });
    const alone = await runOn(single, 'single');
    const parallelRun = await runOn(model, 'parallel', spread());
    single.dispose();
    for (const name of headOne) {
      const start = Array.from((initial[name] as tf.Tensor).dataSync());
      // Weight decay is on: a zero gradient would still shrink these weights and advance their counts.
      expect(parallelRun.weights[name], name).toEqual(start);
      expect(alone.weights[name], name).toEqual(start);
    }
    const counts = await storedCounts(join(dir, 'parallel'), 6);
    expect(counts).toEqual(await storedCounts(join(dir, 'single'), 6));
    for (const name of Object.keys(model.params)) {
      expect(counts.counts[`step.${name}`] ?? 0, name).toBe(headOne.includes(name) ? 0 : 6);
    }
  });

  it("hands each worker its shard's LossContext: dropout seeded by the shard, off outside training", async () => {
    const batch = rowsAt(0, 0);
    const shards = [0, 1, 2].map((index) => shardRows(batch, index, WORKERS + 1));
    // This thread's shard contributes 0, so the mean loss is the workers' losses over 3.
    const nothingHere = () => tf.mul(tf.sum(model.params['ln_f.weight'] as tf.Variable), 0) as tf.Scalar;
    const workersLoss = async (context: LossContext) => {
      const { loss, grads } = await parallel.lossAndGradients(nothingHere, shards, context);
      tf.dispose(grads);
      return loss * 3;
    };
    const here = (context: LossContext, index: number) =>
      tf.tidy(() => lossOf(model)(shards[index] as Rows, context).dataSync()[0] as number);
    const training = { training: true, step: 4, seed: 7 };
    const seeded = await workersLoss(training);
    expect(await workersLoss(training)).toBe(seeded);
    expect(await workersLoss({ ...training, seed: 8 })).not.toBe(seeded);
    // Shard i draws its masks from mixSeed(seed, i).
    const expected = [1, 2].map((i) => here({ ...training, seed: mixSeed(7, i) }, i));
    expect(seeded).toBeCloseTo((expected[0] as number) + (expected[1] as number), 5);
    const evaluation = { training: false, step: 4, seed: 7 };
    expect(await workersLoss(evaluation)).toBeCloseTo(here(evaluation, 1) + here(evaluation, 2), 5);
  });

  it('is deterministic with dropout: two runs are identical, and a resumed run continues exactly', async () => {
    const first = await runOn(model, 'first', spread());
    const second = await runOn(model, 'second', spread());
    expect(second).toEqual(first);
    const killed = await runOn(model, 'killed', {
      ...spread(),
      callbacks: [killAt(5)],
    }).catch((e: unknown) => e);
    expect((killed as Error).message).toBe('killed');
    const resumed = await runOn(model, 'killed', { ...spread(), resume: true });
    expect(resumed.losses).toEqual(first.losses.slice(3));
    expect(resumed.weights).toEqual(first.weights);
  });
});
