import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointDirName } from '../checkpoint/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../checkpoint/safetensors.js';
import { type AccumulatedGradients, accumulateGradients } from './accumulate.js';
import type { StepMetrics } from './callbacks.js';
import { InvalidTrainingArgumentError, NonFiniteLossError } from './errors.js';
import type { LossContext } from './evaluate.js';
import { type GradientContext, type GradientFn, lossFnGradients, perMicroBatch } from './gradient-source.js';
import { warmupCosineSchedule } from './schedule.js';
import { stepSeed } from './seed.js';
import { countingBatch, createBigram, type TokenBatch } from './test-helpers/bigram.js';
import { killAt } from './test-helpers/kill-at.js';
import { storedCounts } from './test-helpers/stored-counts.js';
import { type TrainOptions, train } from './trainer.js';

const shape = { batch: 2, time: 6, vocabSize: 13 };
const modelConfig = { vocabSize: 13, dim: 8, dropout: 0.1 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-gradients-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Overrides = Partial<TrainOptions<TokenBatch>> & { initSeed?: number };

/** Trains a fresh bigram model with dropout, schedule, clipping and accumulation; returns losses and weights. */
async function run(overrides: Overrides = {}) {
  const { initSeed = 1, ...rest } = overrides;
  const model = createBigram(modelConfig, initSeed);
  const steps: StepMetrics[] = [];
  const tensorCounts: number[] = [];
  try {
    const result = await train<TokenBatch>({
      params: model.params,
      lossFn: model.loss,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 12,
      learningRate: warmupCosineSchedule({ maxLr: 0.05, warmupSteps: 3, decaySteps: 12 }),
      clipNorm: 0.5,
      accumulate: 2,
      seed: 42,
      ...rest,
      callbacks: [
        {
          onStep(metrics) {
            steps.push(metrics);
            tensorCounts.push(tf.memory().numTensors);
          },
        },
        ...(rest.callbacks ?? []),
      ],
    });
    const weights = Array.from(await (model.params['wte.weight'] as tf.Variable).data());
    return { result, steps, tensorCounts, weights, losses: steps.map((m) => m.loss) };
  } finally {
    model.dispose();
  }
}

/** The default gradients behind an await, after making tensors it neither returns nor frees. */
const asyncDefault: GradientFn<TokenBatch> = async (context) => {
  tf.ones([4, 4]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  tf.zeros([3]);
  return lossFnGradients(context);
};

/** The default gradients without any for `head.bias` in the first `frozenFor` updates. */
const biasFrozenFor =
  (frozenFor: number): GradientFn<TokenBatch> =>
  (context) => {
    const { loss, grads } = lossFnGradients(context);
    if (context.step >= frozenFor) return { loss, grads };
    const { 'head.bias': dropped, ...rest } = grads;
    dropped?.dispose();
    return { loss, grads: rest };
  };

describe('train with a gradient source', () => {
  it('runs the same loop: an async source computing the default gradients gives the default run exactly', async () => {
    const evaluation = { every: 4, batches: () => [countingBatch(100, 0, shape)] };
    const byDefault = await run({ evaluate: evaluation });
    const before = tf.memory().numTensors;
    const custom = await run({ evaluate: evaluation, gradients: asyncDefault });
    expect(custom.losses).toHaveLength(12);
    expect(custom.losses).toEqual(byDefault.losses);
    expect(custom.steps.map((m) => m.gradNorm)).toEqual(byDefault.steps.map((m) => m.gradNorm));
    expect(custom.steps.map((m) => m.evalLoss)).toEqual(byDefault.steps.map((m) => m.evalLoss));
    expect(custom.weights).toEqual(byDefault.weights);
    // The tensors the source made and dropped are freed with its scope: no growth, nothing left.
    expect(new Set(custom.tensorCounts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the source the update, its micro-batches, their seeds, the params and lossFn', async () => {
    const model = createBigram(modelConfig);
    const lossFn = model.loss;
    const seen: Array<Omit<GradientContext<TokenBatch>, 'batch'> & { ids: number[][][] }> = [];
    await train<TokenBatch>({
      params: model.params,
      lossFn,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 2,
      accumulate: 3,
      seed: 5,
      gradients: (context) => {
        const { batch, ...rest } = context;
        const ids = [0, 1, 2].map((micro) => batch(micro).ids.arraySync());
        seen.push({ ...rest, seeds: [...rest.seeds], ids });
        return lossFnGradients(context);
      },
    });
    expect(seen.map((c) => [c.step, c.microBatches])).toEqual([
      [0, 3],
      [1, 3],
    ]);
    for (const context of seen) {
      expect(context.seeds).toEqual([0, 1, 2].map((micro) => stepSeed(5, context.step, micro)));
      expect(context.ids).toEqual(
        [0, 1, 2].map((micro) => tf.tidy(() => countingBatch(context.step, micro, shape).ids.arraySync())),
      );
      expect(context.params).toBe(model.params);
      expect(context.lossFn).toBe(lossFn);
    }
    model.dispose();
  });

  it('stores per-parameter AdamW counts in checkpoints and resumes exactly with them', async () => {
    const gradients = biasFrozenFor(3);
    const uninterrupted = await run({ gradients, checkpoint: { dir: join(dir, 'a'), every: 4, config: {} } });
    const killed = await run({
      gradients,
      checkpoint: { dir: join(dir, 'b'), every: 4, config: {} },
      callbacks: [killAt(10)],
    }).catch((e: unknown) => e);
    expect((killed as Error).message).toBe('killed');
    // head.bias had gradients in updates 4..8 only.
    expect(await storedCounts(join(dir, 'b'), 8)).toEqual({
      counts: { 'step.head.bias': 5, 'step.head.weight': 8, 'step.wte.weight': 8 },
      dtypes: ['I32 []'],
    });
    const resumed = await run({
      gradients,
      initSeed: 99,
      resume: true,
      checkpoint: { dir: join(dir, 'b'), every: 4, config: {} },
    });
    expect(resumed.result.resumedFrom).toBe(8);
    expect(resumed.losses).toEqual(uninterrupted.losses.slice(8));
    expect(resumed.weights).toEqual(uninterrupted.weights);
    expect((await storedCounts(join(dir, 'b'), 12)).counts).toEqual({
      'step.head.bias': 9,
      'step.head.weight': 12,
      'step.wte.weight': 12,
    });
  });

  it('resumes a version 2 checkpoint, whose parameters without a gradient so far have count 0', async () => {
    const gradients = biasFrozenFor(6);
    const uninterrupted = await run({ gradients, checkpoint: { dir: join(dir, 'a'), every: 4, config: {} } });
    await run({
      gradients,
      checkpoint: { dir: join(dir, 'b'), every: 4, config: {} },
      callbacks: [killAt(6)],
    }).catch(() => undefined);
    // In checkpoint 4 head.bias has no state yet. Version 2 wrote zero moments and a count 0 for it instead.
    const path = join(dir, 'b', checkpointDirName(4));
    const file = join(path, 'optimizer.safetensors');
    const { tensors } = decodeSafetensors(await readFile(file), file);
    expect(Object.keys(tensors).filter((key) => key.endsWith('head.bias'))).toEqual([]);
    const zeros = { dtype: 'F32' as const, shape: [13], data: new Float32Array(13) };
    const asVersion2 = {
      ...tensors,
      'exp_avg.head.bias': zeros,
      'exp_avg_sq.head.bias': zeros,
      'step.head.bias': { dtype: 'I32' as const, shape: [], data: new Int32Array(1) },
    };
    await writeFile(file, encodeSafetensors(asVersion2, { format: 'pt' }));
    const stateFile = join(path, 'trainer-state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    await writeFile(stateFile, JSON.stringify({ ...state, version: 2 }));
    const resumed = await run({
      gradients,
      initSeed: 99,
      resume: true,
      checkpoint: { dir: join(dir, 'b'), every: 4, config: {} },
    });
    expect(resumed.result.resumedFrom).toBe(4);
    expect(resumed.losses).toEqual(uninterrupted.losses.slice(4));
    expect(resumed.weights).toEqual(uninterrupted.weights);
  });

  it('checks a source’s loss for NaN before the update, as with the default', async () => {
    const model = createBigram(modelConfig);
    const before = Array.from(model.params['wte.weight']?.dataSync() ?? []);
    const error = await train<TokenBatch>({
      params: model.params,
      lossFn: model.loss,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 3,
      learningRate: 0,
      gradients: async (context) => {
        const { loss, grads } = lossFnGradients(context);
        return context.step === 1 ? { loss: tf.mul(loss, Number.NaN) as tf.Scalar, grads } : { loss, grads };
      },
    }).catch((e: unknown) => e);
    expect(NonFiniteLossError.isInstance(error) && error.step).toBe(2);
    expect(Array.from(model.params['wte.weight']?.dataSync() ?? [])).toEqual(before);
    model.dispose();
  });

  it('rejects a malformed result with an error naming `gradients`, and frees every tensor', async () => {
    const model = createBigram(modelConfig);
    const frozen = tf.variable(tf.zeros([2]), false);
    const params = { ...model.params, frozen };
    const grads = () => ({ 'head.bias': tf.zeros([13]) });
    const cases: Array<[string, () => unknown]> = [
      ['expected { loss, grads }, got null', () => null],
      [
        'loss must be a float32 scalar tensor, got a tensor of dtype float32 and shape [2]',
        () => ({ loss: tf.zeros([2]), grads: grads() }),
      ],
      [
        'loss must be a float32 scalar tensor, got a tensor of dtype int32 and shape []',
        () => ({ loss: tf.scalar(1, 'int32'), grads: grads() }),
      ],
      ['loss must be a float32 scalar tensor, got 0.5', () => ({ loss: 0.5, grads: grads() })],
      [
        '"nope" is not a trainable parameter',
        () => ({ loss: tf.scalar(1), grads: { ...grads(), nope: tf.zeros([2]) } }),
      ],
      [
        '"frozen" is not a trainable parameter',
        () => ({ loss: tf.scalar(1), grads: { frozen: tf.zeros([2]) } }),
      ],
      [
        'the gradient of "head.bias" has shape [1,13], the parameter [13]',
        () => ({ loss: tf.scalar(1), grads: { 'head.bias': tf.zeros([1, 13]) } }),
      ],
      [
        'the gradient of "head.bias" is not a float32 tensor',
        () => ({ loss: tf.scalar(1), grads: { 'head.bias': [0] } }),
      ],
      ['expected gradients keyed by parameter name', () => ({ loss: tf.scalar(1) })],
    ];
    const before = tf.memory().numTensors;
    for (const [message, result] of cases) {
      const error = await train<TokenBatch>({
        params,
        lossFn: model.loss,
        batches: (step, micro) => countingBatch(step, micro, shape),
        steps: 1,
        // Tensors made before the result, as a real source would: freed too.
        gradients: () => {
          tf.ones([5]);
          return result() as AccumulatedGradients;
        },
      }).catch((e: unknown) => e);
      expect(InvalidTrainingArgumentError.isInstance(error) && error.field, message).toBe('gradients');
      expect((error as Error).message).toBe(`gradients: ${message}`);
      expect(tf.memory().numTensors, message).toBe(before);
    }
    const thrown = await train<TokenBatch>({
      params,
      lossFn: model.loss,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 1,
      gradients: async (context) => {
        lossFnGradients(context);
        throw new Error('source failed');
      },
    }).catch((e: unknown) => e);
    expect((thrown as Error).message).toBe('source failed');
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      train({
        params,
        lossFn: model.loss,
        batches: [],
        steps: 1,
        gradients: 3 as unknown as GradientFn<TokenBatch>,
      }),
    ).rejects.toThrow('gradients: expected a function');
    frozen.dispose();
    model.dispose();
  });

  it('reads micro-batches by index: in any order from a function, in order from an iterable', async () => {
    const model = createBigram(modelConfig);
    let drawn = 0;
    function* stream(): Generator<TokenBatch> {
      for (;;) yield countingBatch(drawn++, 0, shape);
    }
    const base = { params: model.params, lossFn: model.loss, steps: 3, accumulate: 2 };
    const lastFirst: GradientFn<TokenBatch> = (context) => {
      context.batch(1);
      return lossFnGradients(context);
    };
    // A function source may be read in any order, any number of times.
    await train<TokenBatch>({ ...base, batches: (s, m) => countingBatch(s, m, shape), gradients: lastFirst });
    await expect(train<TokenBatch>({ ...base, batches: stream(), gradients: lastFirst })).rejects.toThrow(
      'gradients: batch(1): an iterable batch source is read in order, each micro-batch once; micro-batch 0 is next',
    );
    await expect(
      train<TokenBatch>({
        ...base,
        batches: (s, m) => countingBatch(s, m, shape),
        gradients: (context) => {
          context.batch(2);
          return lossFnGradients(context);
        },
      }),
    ).rejects.toThrow('gradients: batch(2): expected a micro-batch index in [0, 2)');
    // Micro-batches a source leaves unread are drawn anyway: each update consumes `accumulate` items.
    drawn = 0;
    const before = tf.memory().numTensors;
    await train<TokenBatch>({
      ...base,
      batches: stream(),
      gradients: (context) => lossFnGradients({ ...context, microBatches: 1 }),
    });
    expect(drawn).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('perMicroBatch', () => {
  /** A context of 2 micro-batches (the numbers 0 and 1) over two scalar parameters. */
  function scalarContext() {
    const params = { a: tf.variable(tf.scalar(1)), b: tf.variable(tf.scalar(1)) };
    const context: GradientContext<number> = {
      step: 7,
      microBatches: 2,
      batch: (micro) => micro,
      seeds: [11, 12],
      params,
      lossFn: () => tf.scalar(0),
    };
    return { params, context };
  }

  it('averages the micro-batches: mean loss, the union of names, anything else returned freed', async () => {
    const { params, context } = scalarContext();
    const seen: Array<[number, LossContext, number]> = [];
    const before = tf.memory().numTensors;
    const { loss, grads } = await perMicroBatch<number>((batch, lossContext, micro) => {
      seen.push([batch, lossContext, micro]);
      tf.ones([3]); // made and dropped: freed with the micro-batch
      return batch === 0
        ? { loss: tf.scalar(2), grads: { a: tf.scalar(4) } }
        : ({
            loss: tf.scalar(4),
            grads: { a: tf.scalar(2), b: tf.scalar(6) },
            extra: tf.ones([5]),
          } as AccumulatedGradients);
    })(context);
    expect(seen).toEqual([
      [0, { training: true, step: 7, seed: 11 }, 0],
      [1, { training: true, step: 7, seed: 12 }, 1],
    ]);
    expect(loss.dataSync()[0]).toBe(3);
    // a: (4 + 2) / 2; b, reached by micro-batch 1 only: 6 / 2, as in one batch of both.
    expect(Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, g.dataSync()[0]]))).toEqual({
      a: 3,
      b: 3,
    });
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose([loss, grads, Object.values(params)]);
  });

  it('frees the running mean and the failing micro-batch’s tensors when a micro-batch throws', async () => {
    const { params, context } = scalarContext();
    const before = tf.memory().numTensors;
    const failing = perMicroBatch<number>(async (batch) => {
      tf.ones([2]);
      if (batch === 1) throw new Error('micro-batch 1 failed');
      return { loss: tf.scalar(1), grads: { a: tf.scalar(1) } };
    });
    await expect(failing(context)).rejects.toThrow('micro-batch 1 failed');
    await expect(
      perMicroBatch<number>(() => ({ loss: tf.scalar(1) }) as AccumulatedGradients)(context),
    ).rejects.toThrow('gradients: expected gradients keyed by parameter name');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(params));
  });

  it('in train(), one tape per micro-batch gives the default run exactly (dropout, accumulate 2)', async () => {
    const byDefault = await run();
    const perMicro = await run({
      gradients: (context) =>
        perMicroBatch<TokenBatch>((batch, lossContext) =>
          accumulateGradients(context.params, () => context.lossFn(batch, lossContext), 1),
        )(context),
    });
    expect(perMicro.losses).toHaveLength(12);
    expect(perMicro.losses).toEqual(byDefault.losses);
    expect(perMicro.weights).toEqual(byDefault.weights);
    expect(new Set(perMicro.tensorCounts).size).toBe(1);
  });
});
