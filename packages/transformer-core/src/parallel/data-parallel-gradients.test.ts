import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY } from '../../test/variants.js';
import { createModel } from '../model.js';
import type { StepMetrics } from '../train/callbacks.js';
import { crossEntropy } from '../train/cross-entropy.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import { warmupCosineSchedule } from '../train/schedule.js';
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

describe('train() with dataParallelGradients', () => {
  const single = createModel(config, { seed: 1 });
  const parallelModel = createModel(config, { seed: 1 });
  const lossOf =
    (model: typeof single) =>
    ({ ids, targets }: Rows) =>
      crossEntropy(model.forward(ids).logits[0] as tf.Tensor3D, tf.tensor2d(targets, undefined, 'int32'));
  let parallel: DataParallel;

  beforeAll(async () => {
    parallel = await DataParallel.start(parallelModel.params, {
      module: new URL('../../test/replica-worker.mjs', import.meta.url),
      workers: WORKERS,
      data: { config, backend: tf.getBackend() },
      execArgv: [],
    });
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
