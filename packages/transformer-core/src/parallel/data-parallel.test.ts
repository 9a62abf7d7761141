import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/gradcheck.js';
import { TINY } from '../../test/variants.js';
import { createModel } from '../model.js';
import { crossEntropy } from '../train/cross-entropy.js';
import { DataParallel } from './data-parallel.js';

interface Shard {
  ids: number[][];
  targets: number[][];
  crash?: 'exit' | 'throw' | 'later';
}

const config = { ...TINY, positional: 'rope' as const };
const ids = [
  [1, 5, 2, 9, 3, 3],
  [4, 4, 10, 7, 1, 8],
  [0, 2, 6, 6, 9, 1],
  [7, 3, 3, 10, 2, 5],
];
const targets = ids.map((row) => row.map((id) => (id * 3 + 1) % TINY.vocabSize));

describe('DataParallel', () => {
  const model = createModel(config, { seed: 1 });
  const loss = ({ ids, targets }: Shard) =>
    crossEntropy(model.forward(ids).logits[0] as tf.Tensor3D, tf.tensor2d(targets, undefined, 'int32'));
  let parallel: DataParallel;

  beforeAll(async () => {
    parallel = await DataParallel.start(model.params, {
      module: new URL('../../test/replica-worker.mjs', import.meta.url),
      data: { config, backend: tf.getBackend() },
      execArgv: [],
    });
  });
  afterAll(async () => {
    await parallel?.close();
    model.dispose();
  });

  it('averages the shards to the full batch’s loss and gradients (1e-5), without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const shards = [
      { ids: ids.slice(0, 2), targets: targets.slice(0, 2) },
      { ids: ids.slice(2), targets: targets.slice(2) },
    ];
    const parallelResult = await parallel.lossAndGradients(loss, shards);
    const full = tf.variableGrads(() => loss({ ids, targets }), Object.values(model.params));
    expect(Math.abs(parallelResult.loss - (full.value.dataSync()[0] as number))).toBeLessThan(1e-5);
    for (const [name, variable] of Object.entries(model.params)) {
      const diff = maxAbsDiff(
        parallelResult.grads[name] as tf.Tensor,
        full.grads[variable.name] as tf.Tensor,
      );
      expect(diff, name).toBeLessThan(1e-5);
    }
    tf.dispose([full.value, full.grads, parallelResult.grads]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses the current weights: after an update the workers follow', async () => {
    const name = 'ln_f.weight';
    const variable = model.params[name] as tf.Variable;
    variable.assign(tf.tidy(() => tf.mul(variable, 1.5)));
    const shards = [
      { ids: ids.slice(0, 2), targets: targets.slice(0, 2) },
      { ids: ids.slice(2), targets: targets.slice(2) },
    ];
    const { loss: parallelLoss, grads } = await parallel.lossAndGradients(loss, shards);
    const fullLoss = tf.tidy(() => loss({ ids, targets }).dataSync()[0] as number);
    expect(Math.abs(parallelLoss - fullLoss)).toBeLessThan(1e-5);
    tf.dispose(grads);
  });

  it('waits for every worker before rethrowing; a failed call leaves the next one correct', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const shards: [Shard, Shard] = [
      { ids: ids.slice(0, 2), targets: targets.slice(0, 2) },
      { ids: ids.slice(2), targets: targets.slice(2) },
    ];
    const outOfRange = { ids: [[1, 99]], targets: [[2, 3]] }; // the worker's model rejects token 99
    const localFails = (): tf.Scalar => {
      throw new Error('local shard failed');
    };
    const before = tf.memory().numTensors;
    try {
      // This thread and the worker both fail: this thread's error is reported, after the worker's reply.
      await expect(parallel.lossAndGradients(localFails, [shards[0], outOfRange])).rejects.toThrow(
        'local shard failed',
      );
      // This thread fails while the worker is still writing its gradient buffer.
      await expect(parallel.lossAndGradients(localFails, shards)).rejects.toThrow('local shard failed');
      // The worker alone fails.
      await expect(parallel.lossAndGradients(loss, [shards[0], outOfRange])).rejects.toMatchObject({
        code: 'WORKER_FAILED',
        message: expect.stringContaining('token id 99'),
      });
      expect(tf.memory().numTensors).toBe(before);
      // Every reply was consumed by its own call: the next call gets the worker's answer to its own shard.
      const result = await parallel.lossAndGradients(loss, shards);
      const full = tf.variableGrads(() => loss({ ids, targets }), Object.values(model.params));
      expect(Math.abs(result.loss - (full.value.dataSync()[0] as number))).toBeLessThan(1e-5);
      for (const [name, variable] of Object.entries(model.params)) {
        const diff = maxAbsDiff(result.grads[name] as tf.Tensor, full.grads[variable.name] as tf.Tensor);
        expect(diff, name).toBeLessThan(1e-5);
      }
      tf.dispose([full.value, full.grads, result.grads]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('rejects a wrong number of shards, naming what it expects', async () => {
    await expect(parallel.lossAndGradients(loss, [{ ids, targets }])).rejects.toThrow(
      'expected 2 shards (this thread + 1 workers), got 1',
    );
  });
});

describe('DataParallel with a worker that dies', () => {
  const model = createModel(config, { seed: 2 });
  const loss = ({ ids, targets }: Shard) =>
    crossEntropy(model.forward(ids).logits[0] as tf.Tensor3D, tf.tensor2d(targets, undefined, 'int32'));
  const start = () =>
    DataParallel.start(model.params, {
      module: new URL('../../test/replica-worker.mjs', import.meta.url),
      data: { config, backend: tf.getBackend() },
      execArgv: [],
    });
  const half = { ids: ids.slice(0, 2), targets: targets.slice(0, 2) };
  afterAll(() => model.dispose());

  /** Runs `body` with a fresh DataParallel (each test kills its worker), closed afterwards, and returns it. */
  const withParallel = async (body: (parallel: DataParallel) => Promise<void>): Promise<DataParallel> => {
    const parallel = await start();
    try {
      await body(parallel);
    } finally {
      await parallel.close();
    }
    return parallel;
  };

  it.each([
    ['exits', 'exit', 'exited with code 3 before replying', 'exited with code 3'],
    ['has an uncaught error', 'throw', 'replica crashed', 'replica crashed'],
  ] as const)(
    'a worker that %s fails its call, then every later call at once instead of waiting forever',
    async (_, crash, inFlight, stopped) => {
      const parallel = await withParallel(async (parallel) => {
        await expect(parallel.lossAndGradients(loss, [half, { ...half, crash }])).rejects.toMatchObject({
          code: 'WORKER_FAILED',
          message: `DataParallel worker: ${inFlight}`,
        });
        await expect(parallel.lossAndGradients(loss, [half, half])).rejects.toMatchObject({
          code: 'WORKER_FAILED',
          message: `DataParallel worker: ${stopped}; its replica is gone, so close this DataParallel and start a new one`,
        });
      });
      await expect(parallel.lossAndGradients(loss, [half, half])).rejects.toMatchObject({ code: 'CLOSED' });
    },
  );

  it('a worker crashing between calls does not bring this process down; the next calls fail', async () => {
    await withParallel(async (parallel) => {
      // The worker answers, then throws an uncaught error 10 ms later, most likely while nothing waits for it.
      // Its answer and its error reach this thread on different channels, in either order, and on a slow machine
      // the crash may come during a later call: calls succeed until the crash has reached this thread, then fail.
      let failure: unknown;
      const call = (shards: Shard[]) =>
        parallel.lossAndGradients(loss, shards).then(
          ({ grads }) => tf.dispose(grads),
          (error: unknown) => {
            failure = error;
          },
        );
      await call([half, { ...half, crash: 'later' }]);
      for (let attempt = 0; attempt < 200 && failure === undefined; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await call([half, half]);
      }
      expect(failure).toMatchObject({
        code: 'WORKER_FAILED',
        message: expect.stringContaining('replica crashed'),
      });
      await expect(parallel.lossAndGradients(loss, [half, half])).rejects.toThrow('its replica is gone');
    });
  });
});
