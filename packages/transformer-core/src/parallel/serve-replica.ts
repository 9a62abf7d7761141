import * as tf from '@tensorflow/tfjs-core';
import type { LossContext } from '../train/evaluate.js';
import { DataParallelError } from './errors.js';
import { checkLayout, type FlatLayout, readFlat, shardGradients, writeLossGradients } from './layout.js';
import { workerThreads } from './worker-threads.js';

/** What a worker's factory returns: its copy of the parameters and the loss of one shard. */
export interface Replica<S = unknown> {
  /** Same names and shapes, in the same order, as the main thread's parameters. */
  params: Record<string, tf.Variable>;
  /**
   * Mean loss of one shard (called inside a tape; tensors it creates are freed after each step). `context` is
   * the micro-batch's `LossContext` with this shard's own seed: pass `training` and `seed` to the model (e.g.
   * `model.forward(ids, { training, seed })`) so its dropout is seeded and a resumed run draws the same masks.
   */
  loss: (shard: S, context: LossContext) => tf.Scalar;
}

/** @internal What the main thread posts to a worker for one shard. */
export interface ShardRequest<S> {
  shard: S;
  context: LossContext;
}

/** @internal What the main thread passes to each worker. */
export interface ReplicaWorkerData {
  layout: FlatLayout;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  /** One byte per parameter: whether the last shard's loss reached it. */
  reached: SharedArrayBuffer;
  data: unknown;
}

/**
 * Serves gradient requests in a worker thread started by {@link DataParallel}. Call it once from the worker
 * module, with a factory that selects a backend and builds the same model as the main thread (same config; the
 * weights are copied from the main thread before every step, so the seed does not matter).
 */
export async function serveReplica<S>(
  factory: (data: unknown) => Replica<S> | Promise<Replica<S>>,
): Promise<void> {
  const { parentPort, workerData } = await workerThreads();
  if (parentPort === null)
    throw new DataParallelError(
      'NOT_A_WORKER',
      'serveReplica must run inside a worker thread started by DataParallel',
    );
  const { layout, weights, grads, reached, data } = workerData as ReplicaWorkerData;
  const replica = await factory(data);
  checkLayout(replica.params, layout, 'serveReplica');
  const weightView = new Float32Array(weights);
  const out = shardGradients(layout, grads, reached);
  parentPort.on('message', ({ shard, context }: ShardRequest<S>) => {
    try {
      tf.tidy(() => {
        const current = readFlat(weightView, layout);
        for (const name of layout.names) {
          (replica.params[name] as tf.Variable).assign(current[name] as tf.Tensor);
        }
      });
      const loss = writeLossGradients(() => replica.loss(shard, context), replica.params, layout, out);
      parentPort.postMessage({ loss });
    } catch (error) {
      parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
    }
  });
  parentPort.postMessage({ ready: true });
}
