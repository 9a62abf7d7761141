import * as tf from '@tensorflow/tfjs-core';
import { DataParallelError } from './errors.js';
import { checkLayout, type FlatLayout, readFlat, writeLossGradients } from './layout.js';

/** What a worker's factory returns: its copy of the parameters and the loss of one shard. */
export interface Replica<S = unknown> {
  /** Same names and shapes, in the same order, as the main thread's parameters. */
  params: Record<string, tf.Variable>;
  /** Mean loss of one shard (called inside a tape; tensors it creates are freed after each step). */
  loss: (shard: S) => tf.Scalar;
}

/** @internal What the main thread passes to each worker. */
export interface ReplicaWorkerData {
  layout: FlatLayout;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
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
  const { parentPort, workerData } = await import(
    /* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads'
  );
  if (parentPort === null)
    throw new DataParallelError(
      'NOT_A_WORKER',
      'serveReplica must run inside a worker thread started by DataParallel',
    );
  const { layout, weights, grads, data } = workerData as ReplicaWorkerData;
  const replica = await factory(data);
  checkLayout(replica.params, layout, 'serveReplica');
  const weightView = new Float32Array(weights);
  const gradView = new Float32Array(grads);
  parentPort.on('message', (message: { shard: S }) => {
    try {
      tf.tidy(() => {
        const current = readFlat(weightView, layout);
        for (const name of layout.names) {
          (replica.params[name] as tf.Variable).assign(current[name] as tf.Tensor);
        }
      });
      const loss = writeLossGradients(() => replica.loss(message.shard), replica.params, layout, gradView);
      parentPort.postMessage({ loss });
    } catch (error) {
      parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
    }
  });
  parentPort.postMessage({ ready: true });
}
