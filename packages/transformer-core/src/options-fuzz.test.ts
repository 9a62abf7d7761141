// Every public entry point of this package that takes options, fed hostile values (BigInt, Symbol, functions,
// null-prototype and sparse objects, NaN, ±Infinity, huge and negative numbers, nested junk) in and around its
// option fields: it must return, or throw an error of the project (BeyondNtpError), never a raw TypeError or
// RangeError, and it must not hang (sizes are drawn small or invalid, so a valid call ends quickly).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BeyondNtpError } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY } from '../test/variants.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint/checkpoint.js';
import { loadModel, saveModel } from './checkpoint/model-files.js';
import { parseModelConfig } from './config.js';
import { decodeStep } from './decode-step.js';
import { generate } from './generate.js';
import { KVCache } from './kv-cache.js';
import { leftPad } from './left-padding.js';
import { createModel, type TransformerModel } from './model.js';
import { setTrainable } from './param-groups.js';
import { samplingDistribution } from './sample.js';
import { AdamW } from './train/adamw.js';
import { crossEntropy } from './train/cross-entropy.js';
import { evaluate } from './train/evaluate.js';
import { jsonlMetricsLog } from './train/metrics-log.js';
import { progressReporter } from './train/progress.js';
import { warmupCosineSchedule } from './train/schedule.js';
import { train } from './train/trainer.js';

const hostile = fc.oneof(
  fc
    .anything({
      withBigInt: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withObjectString: true,
      maxDepth: 2,
    })
    .filter((v) => typeof v !== 'number'),
  fc.constantFrom(
    Number.NaN,
    -0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0.5,
    1e300,
    2 ** 53,
    -1,
  ),
  fc.integer({ min: -2, max: 3 }),
  fc.bigInt({ min: -3n, max: 3n }),
  fc.constantFrom(Symbol('s'), () => 1, Object.create(null), new Array(3)),
);

/** Options objects: junk, or an object of the given fields, each valid or junk. */
function optionsOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(
    Object.fromEntries(Object.entries(fields).map(([key, valid]) => [key, fc.oneof(valid, hostile)])),
    { requiredKeys: [] },
  );
  const nullPrototype = record.map((r) => Object.assign(Object.create(null), r));
  return fc.oneof(
    { weight: 1, arbitrary: hostile },
    { weight: 4, arbitrary: record },
    { weight: 1, arbitrary: nullPrototype },
  );
}

/** What `call` did: nothing wrong, or the error it threw, which must be one of the project's. */
async function outcome(call: () => unknown): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!BeyondNtpError.isInstance(error)) throw error;
  }
}

const runs = { numRuns: 60 };
const model: TransformerModel = createModel(TINY);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-fuzz-'));
  await saveModel(join(dir, 'model'), model);
});
afterAll(async () => {
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

const small = fc.integer({ min: 0, max: 4 });
const flag = fc.boolean();

describe('options fuzz: no raw TypeError or RangeError, no leak', () => {
  const cases: Array<[string, fc.Arbitrary<unknown>, (options: unknown) => unknown]> = [
    [
      'parseModelConfig',
      fc.tuple(
        optionsOf({
          ...Object.fromEntries(Object.entries(TINY).map(([k, v]) => [k, fc.constant(v)])),
          heads: optionsOf({ count: small, type: fc.constantFrom('linear', 'transformer') }),
        }),
        optionsOf({ file: fc.string(), maxParameters: fc.integer() }),
      ),
      (args) => parseModelConfig(...(args as [unknown, never])),
    ],
    [
      'createModel',
      optionsOf({ seed: small, kernels: fc.constantFrom('fast', 'reference'), maxParameters: fc.integer() }),
      (options) => createModel(TINY, options as never).dispose(),
    ],
    [
      'forward',
      optionsOf({
        heads: fc.constant([0]),
        training: flag,
        seed: small,
        returnHiddenStates: flag,
        attentionMask: fc.constant([[1, 1]]),
        positionIds: fc.constant([[0, 1]]),
        kvCache: fc.constant(undefined),
      }),
      (options) => tf.dispose(model.forward([[1, 2]], options as never) as never),
    ],
    [
      'generate',
      optionsOf({
        maxNewTokens: small,
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        topK: small,
        topP: fc.double({ min: 0, max: 1, noNaN: true }),
        stopTokens: fc.array(small),
        seed: small,
      }),
      (options) => generate(model, [1, 2], options as never),
    ],
    [
      'decodeStep',
      optionsOf({ kvCache: fc.constant(undefined), heads: fc.constant([0]), lastPositions: small }),
      (options) => {
        const cache = new KVCache();
        try {
          decodeStep(model, [[1, 2]], { kvCache: cache, ...(options as object) } as never);
          decodeStep(model, [[1, 2]], options as never);
        } finally {
          cache.dispose();
        }
      },
    ],
    [
      'samplingDistribution',
      optionsOf({
        temperature: fc.double({ noNaN: true }),
        topK: small,
        topP: fc.double({ min: 0, max: 1 }),
      }),
      (options) => samplingDistribution([0.1, 0.5, -1], options as never),
    ],
    [
      'leftPad',
      optionsOf({ padId: small, width: small }),
      (options) => leftPad([[1], [2, 3]], options as never),
    ],
    [
      'warmupCosineSchedule',
      optionsOf({
        maxLr: fc.double({ min: 0, max: 1 }),
        minLr: fc.double({ min: 0, max: 1 }),
        warmupSteps: small,
        decaySteps: small,
      }),
      (options) => warmupCosineSchedule(options as never)(2),
    ],
    [
      'progressReporter',
      optionsOf({ logEvery: small, stream: fc.constant({ write: () => true }) }),
      (o) => progressReporter(o as never),
    ],
    [
      'jsonlMetricsLog',
      optionsOf({ path: fc.constant(join(tmpdir(), 'bntp-fuzz.jsonl')) }),
      (o) => jsonlMetricsLog(o as never),
    ],
    [
      'AdamW',
      optionsOf({
        beta1: fc.double({ min: 0, max: 1 }),
        beta2: fc.double({ min: 0, max: 1 }),
        epsilon: fc.double({ min: 0, max: 1 }),
        weightDecay: fc.double({ min: 0, max: 1 }),
        decay: fc.constant(() => true),
      }),
      (options) => new AdamW(model.params, options as never).dispose(),
    ],
    [
      'crossEntropy',
      optionsOf({ mask: fc.constant([[1, 0]]), reduction: fc.constantFrom('mean', 'sum', 'none') }),
      (options) =>
        tf.dispose(
          tf.tidy(
            () => crossEntropy(tf.zeros([1, 2, 5]) as tf.Tensor3D, [[1, 2]], options as never) as tf.Tensor,
          ),
        ),
    ],
    [
      'setTrainable',
      optionsOf({
        params: fc.constant(model.params),
        names: fc.constant(['ln_f.bias']),
        trainable: fc.constant(true),
      }),
      (options) => setTrainable(options as never),
    ],
  ];

  it.each(cases)('%s', async (_, arbitrary, call) => {
    const before = tf.memory().numTensors;
    await fc.assert(
      fc.asyncProperty(arbitrary, (options) => outcome(() => call(options))),
      runs,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saveCheckpoint, loadCheckpoint and loadModel', async () => {
    const params = { w: tf.zeros([2]) };
    const before = tf.memory().numTensors;
    const data = optionsOf({
      step: small,
      config: fc.constant({}),
      params: fc.constant(params),
      trainerState: fc.constant({}),
    });
    await fc.assert(
      fc.asyncProperty(
        data,
        optionsOf({ keep: small }),
        optionsOf({ step: small }),
        async (d, save, load) => {
          await outcome(() => saveCheckpoint(join(dir, 'ckpt'), d as never, save as never));
          await outcome(async () => {
            const loaded = await loadCheckpoint(join(dir, 'ckpt'), load as never);
            tf.dispose([loaded.params, loaded.optimizerState ?? {}]);
          });
          await outcome(async () => (await loadModel(join(dir, 'model'), load as never)).dispose());
        },
      ),
      { numRuns: 25 },
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(params);
  });

  it('train and evaluate', async () => {
    const params = { w: tf.variable(tf.zeros([2])) };
    const lossFn = () => tf.sum(tf.square(tf.sub(params.w, 1))) as tf.Scalar;
    const before = tf.memory().numTensors;
    const options = optionsOf({
      learningRate: fc.double({ min: 0, max: 1 }),
      clipNorm: fc.constantFrom(1, null),
      accumulate: small,
      seed: small,
      tokensPerStep: small,
      optimizer: fc.constant({}),
      evaluate: optionsOf({ every: small, batches: fc.constant([0]) }),
      callbacks: fc.constant([]),
      checkpoint: optionsOf({
        dir: fc.constant(join(dir, 'train')),
        every: small,
        config: fc.constant({}),
        overwrite: fc.constant(true),
        keep: small,
      }),
      resume: fc.constant(false),
    });
    await fc.assert(
      fc.asyncProperty(options, async (o) => {
        await outcome(() =>
          train({
            ...(typeof o === 'object' && o !== null ? o : {}),
            params,
            lossFn,
            batches: () => 0,
            steps: 2,
          } as never),
        );
        await outcome(() =>
          evaluate({ lossFn, batches: [0, 0], ...(typeof o === 'object' && o !== null ? o : {}) } as never),
        );
      }),
      { numRuns: 40 },
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(params);
  });
});
