// Data parallelism across worker threads (Node). wasm runs single-threaded in Node, so a 2-core machine idles a
// core during training; here each extra worker holds a replica of the model, computes the gradient of its own
// shard of the batch while this thread computes another, and the gradients are averaged. Weights and gradients
// travel through SharedArrayBuffers, so a step costs one copy of each per replica and no serialisation.
import type * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../random.js';
import type { NamedGradients } from '../train/clip.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import type { LossContext } from '../train/evaluate.js';
import { DataParallelError, workerFailure } from './errors.js';
import {
  type FlatLayout,
  flatLayout,
  readFlat,
  type ShardGradients,
  shardGradients,
  writeFlat,
  writeLossGradients,
} from './layout.js';
import type { ReplicaWorkerData, ShardRequest } from './serve-replica.js';
import { workerThreads } from './worker-threads.js';

/** Options of {@link DataParallel.start}. */
export interface DataParallelOptions {
  /** The worker module: it calls `serveReplica` with a factory building the same model and loss. */
  module: URL;
  /**
   * Worker threads besides this one; each step then has `workers + 1` shards.
   * @default 1
   */
  workers?: number;
  /** Passed to the worker factory (typically the model config). */
  data?: unknown;
  /**
   * Node flags for the workers, e.g. a TypeScript loader when `module` is a `.ts` file.
   * @default process.execArgv
   */
  execArgv?: string[];
}

/** Result of {@link DataParallel.lossAndGradients}. */
export interface ParallelGradients {
  /** Mean loss over the shards. */
  loss: number;
  /**
   * Mean gradient over the shards, by parameter name, for the parameters at least one shard's loss reached (a
   * shard that does not reach one contributes zero to its mean); the caller disposes them.
   */
  grads: NamedGradients;
}

type WorkerLike = import('node:worker_threads').Worker;
type Reply = { ready?: boolean; loss?: number; error?: string };

/** The main thread's side of data-parallel training: see {@link DataParallel.start}. */
export class DataParallel {
  /** Why each worker stopped, once it has: a dead worker never answers, so later calls must not wait for it. */
  private readonly stopped: (DataParallelError | undefined)[];
  private closed = false;

  private constructor(
    private readonly params: Record<string, tf.Variable>,
    private readonly layout: FlatLayout,
    private readonly workers: WorkerLike[],
    private readonly weights: Float32Array,
    private readonly shardBuffers: ShardGradients[],
  ) {
    this.stopped = workers.map(() => undefined);
    workers.forEach((worker, i) => {
      // Always listened to: an 'error' event without a listener would crash this process between calls.
      worker.on('error', (error: Error) => {
        this.stopped[i] ??= workerFailure(error);
      });
      worker.once('exit', (code: number) => {
        this.stopped[i] ??= workerFailure(`exited with code ${code}`);
      });
    });
  }

  /** Number of shards a step takes: this thread plus the workers. */
  get shards(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts the workers and waits until each has built its replica and checked that its parameter names and shapes
   * match `params` (this thread's model, whose weights the replicas copy before every step).
   */
  static async start(
    params: Record<string, tf.Variable>,
    options: DataParallelOptions,
  ): Promise<DataParallel> {
    const { Worker } = await workerThreads();
    const count = options.workers ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new InvalidTrainingArgumentError('workers', `DataParallel needs an integer ≥ 1, got ${count}`);
    const layout = flatLayout(params);
    const weightBuffer = new SharedArrayBuffer(layout.size * 4);
    const workerBuffers = Array.from({ length: count }, () => ({
      grads: new SharedArrayBuffer(layout.size * 4),
      reached: new SharedArrayBuffer(layout.names.length),
    }));
    const workers = workerBuffers.map(({ grads, reached }) => {
      const workerData: ReplicaWorkerData = {
        layout,
        weights: weightBuffer,
        grads,
        reached,
        data: options.data,
      };
      return new Worker(options.module, { workerData, execArgv: options.execArgv ?? process.execArgv });
    });
    const parallel = new DataParallel(
      params,
      layout,
      workers,
      new Float32Array(weightBuffer),
      workerBuffers.map(({ grads, reached }) => shardGradients(layout, grads, reached)),
    );
    try {
      await Promise.all(workers.map((w) => parallel.reply(w)));
    } catch (error) {
      await parallel.close();
      throw error;
    }
    return parallel;
  }

  /**
   * Mean loss and mean gradient over `shards` (one per thread: `shards[0]` on this thread through `localLoss`, the
   * others on the workers). With equal-size shards and mean losses this equals the full batch's gradient.
   * Parameters no shard's loss reaches get no gradient. The caller owns the returned gradients.
   *
   * Shard `i`'s loss gets `context` with the seed `mixSeed(context.seed, i)`, so each shard draws its own
   * dropout masks, the same ones in every run (and after a resume) with the same context.
   *
   * The call settles only when every thread is done with its shard: when one fails, the others are awaited
   * before the first error is thrown (this thread's, else the first failed worker's), so no worker is still
   * writing its buffers when the next call starts. A worker that died (crashed or exited) fails the call it was
   * serving and every later one at once, with `WORKER_FAILED` saying why; after {@link close} calls fail with
   * `CLOSED`.
   *
   * @param context The micro-batch's `LossContext` (without one: `{ training: true, step: 0, seed: 0 }`).
   */
  async lossAndGradients<S>(
    localLoss: (shard: S, context: LossContext) => tf.Scalar,
    shards: readonly S[],
    context: LossContext = { training: true, step: 0, seed: 0 },
  ): Promise<ParallelGradients> {
    if (shards.length !== this.shards) {
      throw new InvalidTrainingArgumentError(
        'shards',
        `DataParallel expected ${this.shards} shards (this thread + ${this.workers.length} workers), got ${shards.length}`,
      );
    }
    if (this.closed) {
      throw new DataParallelError('CLOSED', 'DataParallel: closed; start a new one to compute gradients');
    }
    const dead = this.stopped.find((reason) => reason !== undefined);
    if (dead !== undefined) {
      throw new DataParallelError(
        'WORKER_FAILED',
        `${dead.message}; its replica is gone, so close this DataParallel and start a new one`,
        { cause: dead },
      );
    }
    const contextOf = (index: number): LossContext => ({ ...context, seed: mixSeed(context.seed, index) });
    writeFlat(this.params, this.layout, this.weights);
    const replies = this.workers.map((worker, i) => {
      const reply = this.reply(worker);
      const request: ShardRequest<S> = { shard: shards[i + 1] as S, context: contextOf(i + 1) };
      worker.postMessage(request);
      return reply;
    });
    const local = shardGradients(this.layout);
    let localLossValue = 0;
    let localError: { error: unknown } | undefined;
    try {
      localLossValue = writeLossGradients(
        () => localLoss(shards[0] as S, contextOf(0)),
        this.params,
        this.layout,
        local,
      );
    } catch (error) {
      localError = { error };
    }
    const settled = await Promise.allSettled(replies);
    if (localError !== undefined) throw localError.error;
    const losses = [localLossValue];
    for (const reply of settled) {
      if (reply.status === 'rejected') throw reply.reason;
      losses.push(reply.value);
    }
    const scale = 1 / this.shards;
    for (const { grads, reached } of this.shardBuffers) {
      for (let j = 0; j < local.grads.length; j++)
        local.grads[j] = (local.grads[j] as number) + (grads[j] as number);
      for (let i = 0; i < reached.length; i++)
        local.reached[i] = (local.reached[i] as number) | (reached[i] as number);
    }
    for (let j = 0; j < local.grads.length; j++) local.grads[j] = (local.grads[j] as number) * scale;
    return {
      loss: losses.reduce((a, b) => a + b, 0) * scale,
      grads: readFlat(local.grads, this.layout, local.reached),
    };
  }

  /** Stops the workers; later calls fail with `CLOSED`. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** The worker's next reply: its shard's loss, or a rejection when it reports an error, crashes or exits. */
  private reply(worker: WorkerLike): Promise<number> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (message: Reply) => {
        settle();
        if (message.error !== undefined) reject(workerFailure(message.error));
        else resolve(message.loss ?? 0);
      };
      const onError = (error: Error) => {
        settle();
        reject(workerFailure(error));
      };
      const onExit = (code: number) => {
        settle();
        reject(workerFailure(`exited with code ${code} before replying`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }
}
