import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { TINY } from '../../test/variants.js';
import { createModel } from '../model.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import { DataParallel } from './data-parallel.js';
import { DataParallelError, workerFailure } from './errors.js';
import { checkLayout, flatLayout } from './layout.js';
import { serveReplica } from './serve-replica.js';

const worker = new URL('../../test/replica-worker.mjs', import.meta.url);

describe('errors of data-parallel training', () => {
  it('names the first parameter whose name or shape differs from the main replica', async () => {
    const main = { a: tf.zeros([2, 3]), b: tf.zeros([4]) };
    const layout = flatLayout(main);
    const renamed = await thrown(DataParallelError, () =>
      checkLayout({ a: main.a, c: main.b }, layout, 'serveReplica'),
    );
    expect(renamed.code).toBe('REPLICA_MISMATCH');
    expect(renamed.message).toBe("serveReplica: parameter names differ from the main replica's (2 vs 2)");
    const transposed = tf.zeros([3, 2]);
    const reshaped = await thrown(DataParallelError, () =>
      checkLayout({ a: transposed, b: main.b }, layout, 'serveReplica'),
    );
    expect(reshaped.code).toBe('REPLICA_MISMATCH');
    expect(reshaped.message).toBe('serveReplica: "a" has shape 3×2, the main replica 2×3');
    tf.dispose([main.a, main.b, transposed]);
  });

  it('keeps a worker’s REPLICA_MISMATCH code across the thread boundary; other failures are WORKER_FAILED', () => {
    // What arrives from a worker: a structured clone (name, message, code; no brand) or a posted message.
    const cloned = Object.assign(new Error('serveReplica: "a" has shape 3×2, the main replica 2×3'), {
      code: 'REPLICA_MISMATCH',
    });
    expect(workerFailure(cloned)).toMatchObject({
      code: 'REPLICA_MISMATCH',
      message: 'DataParallel worker: serveReplica: "a" has shape 3×2, the main replica 2×3',
      cause: cloned,
    });
    expect(workerFailure('ModelError: token id 99 is out of range')).toMatchObject({
      code: 'WORKER_FAILED',
      message: 'DataParallel worker: ModelError: token id 99 is out of range',
    });
  });

  it('rejects a worker count below 1 as an invalid training argument', async () => {
    const model = createModel(TINY);
    const error = await thrown(InvalidTrainingArgumentError, () =>
      DataParallel.start(model.params, { module: worker, workers: 0 }),
    );
    expect(error.field).toBe('workers');
    expect(error.message).toBe('workers: DataParallel needs an integer ≥ 1, got 0');
    model.dispose();
  });

  it('fails to start, with REPLICA_MISMATCH naming the tensor, when a worker builds another model', async () => {
    const model = createModel(TINY);
    const error = await thrown(DataParallelError, () =>
      DataParallel.start(model.params, {
        module: worker,
        data: { config: { ...TINY, vocabSize: 13 }, backend: tf.getBackend() },
        execArgv: [],
      }),
    );
    expect(error.code).toBe('REPLICA_MISMATCH');
    expect(error.message).toBe(
      'DataParallel worker: serveReplica: "tok_emb.weight" has shape 13×8, the main replica 11×8',
    );
    model.dispose();
  });

  it('refuses to serve outside a worker thread', async () => {
    const error = await thrown(DataParallelError, () =>
      serveReplica(() => expect.fail('the factory must not be called')),
    );
    expect(error.code).toBe('NOT_A_WORKER');
    expect(error.message).toBe('serveReplica must run inside a worker thread started by DataParallel');
  });
});
