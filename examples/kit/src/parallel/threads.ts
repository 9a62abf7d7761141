import {
  DataParallel,
  dataParallelGradients,
  type GradientFn,
  type LossContext,
  lossFnGradients,
  stepSeed,
  type TrainOptions,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { KitError } from '../errors.js';
import type { RunContext } from '../experiment.js';
import { formatNumber } from '../format.js';
import type { Json } from '../json.js';
import { chooseThreads, type GradientTimings } from './choice.js';
import { timeGradients } from './time-gradients.js';
import { storeChoice, storedChoice, type TrainingThreads } from './training-threads.js';

/**
 * How `trainRun` may spread a run's updates over two threads with transformer-core's `DataParallel`: this thread
 * computes shard 0 of every batch with `loss`, one worker shard 1 with the same loss of its own replica. Both
 * paths must train the same thing, so the mean of the two shards' losses must be the batch's loss (see
 * `multiTokenParallel` for a loss averaged over a varying number of positions) and the loss must draw nothing at
 * random (no dropout: each shard would draw its own masks).
 */
export interface ParallelTraining<B, S> {
  /**
   * The worker module: it calls transformer-core's `serveReplica` with a factory that builds the same model and
   * `loss` from `data` on the same backend.
   */
  module: URL;
  /** Passed to the worker's factory: plain data (the model config, the loss's settings, the backend). */
  data: unknown;
  /** Shard `index` of `count` of a batch, as plain data (it is posted to the worker). */
  shard: (batch: B, index: number, count: number) => S;
  /** A shard's loss: the replicas' `loss`. */
  loss: (shard: S, context: LossContext) => tf.Scalar;
  /**
   * Node flags of the worker, e.g. none for a `.mjs` module that registers a TypeScript loader itself.
   * @default process.execArgv
   */
  execArgv?: string[];
}

/** The gradients a run trains with, and how to release what computing them holds. */
export interface RunGradients<B> {
  /** For `train({ gradients })`: the app's own (undefined: `train`'s default) or the two-thread ones. */
  gradients: GradientFn<B> | undefined;
  /** Stops the worker, if one is running; call it when the run ends or throws. */
  close(): Promise<void>;
}

/**
 * Chooses how a run computes its updates' gradients, by `ctx.parallel` (`--parallel`), and records the choice
 * with `ctx.recordTraining`. Without `parallel` the app's gradients are used and nothing is recorded. `auto`
 * starts the worker and times both paths on the run's first update ({@link timeGradients}, weights untouched),
 * then {@link chooseThreads}; the choice is stored in `ctx.dir`, and a resumed attempt keeps it instead of timing
 * again, so one path computes every update of a run and the result names it. On one thread the worker is stopped
 * before training starts.
 */
export async function runGradients<B, S>(args: {
  ctx: RunContext<Json>;
  params: Record<string, tf.Variable>;
  train: Pick<TrainOptions<B>, 'lossFn' | 'gradients' | 'batches'>;
  parallel: ParallelTraining<B, S> | undefined;
}): Promise<RunGradients<B>> {
  const { ctx, params, train, parallel } = args;
  const single: RunGradients<B> = { gradients: train.gradients, close: async () => undefined };
  if (parallel === undefined) return single;
  const recorded = ctx.parallel === 'auto' && ctx.resume ? await storedChoice(ctx.dir) : undefined;
  if (ctx.parallel === 'off' || recorded?.threads === 1) {
    ctx.recordTraining(recorded === undefined ? OFF : { ...recorded, decidedBy: 'recorded' });
    return single;
  }
  const workers = await DataParallel.start(params, {
    module: parallel.module,
    workers: 1,
    data: parallel.data,
    ...(parallel.execArgv === undefined ? {} : { execArgv: parallel.execArgv }),
  });
  const twoThreads = dataParallelGradients<B, S>(workers, { shard: parallel.shard, loss: parallel.loss });
  let choice: TrainingThreads;
  try {
    if (ctx.parallel === 'on') choice = ON;
    else if (recorded !== undefined) choice = { ...recorded, decidedBy: 'recorded' };
    else choice = await timedChoice({ ctx, params, train, twoThreads });
  } catch (error) {
    await workers.close();
    throw error;
  }
  ctx.recordTraining(choice);
  if (choice.threads === 2) return { gradients: twoThreads, close: () => workers.close() };
  await workers.close();
  return single;
}

const OFF: TrainingThreads = { threads: 1, decidedBy: 'off', singleMs: null, parallelMs: null };
const ON: TrainingThreads = { threads: 2, decidedBy: 'on', singleMs: null, parallelMs: null };

/** Times both paths on the run's first update, chooses, stores the choice for a resumed attempt and logs it. */
async function timedChoice<B>(args: {
  ctx: RunContext<Json>;
  params: Record<string, tf.Variable>;
  train: Pick<TrainOptions<B>, 'lossFn' | 'gradients' | 'batches'>;
  twoThreads: GradientFn<B>;
}): Promise<TrainingThreads> {
  const { ctx, train } = args;
  // The scope frees the first batch too, should the batch function make tensors.
  tf.engine().startScope();
  let timings: GradientTimings;
  try {
    timings = await timeGradients({
      single: train.gradients ?? lossFnGradients,
      parallel: args.twoThreads,
      context: firstUpdate(args),
    });
  } finally {
    tf.engine().endScope();
  }
  const { threads, singleMs, parallelMs } = chooseThreads(timings);
  const choice: TrainingThreads = { threads, decidedBy: 'auto', singleMs, parallelMs };
  await storeChoice(ctx.dir, choice);
  ctx.log(
    `${ctx.id}: trains on ${threads === 2 ? 'two threads' : 'one thread'} (an update's gradients took ` +
      `${formatNumber(singleMs)} ms on one thread, ${formatNumber(parallelMs)} ms on two)`,
  );
  return choice;
}

/**
 * The context of the run's first update (one micro-batch: `trainRun` does not accumulate), for timing. Its batch
 * is drawn once and reused; a batch function may be asked for any batch any number of times.
 */
function firstUpdate<B>(args: {
  ctx: RunContext<Json>;
  params: Record<string, tf.Variable>;
  train: Pick<TrainOptions<B>, 'lossFn' | 'batches'>;
}) {
  const { ctx, params, train } = args;
  const { batches } = train;
  if (typeof batches !== 'function') {
    throw new KitError(
      'INVALID_ARGUMENT',
      'train.batches',
      '--parallel auto times both paths on the first batch, which only a batch function (step, micro) => batch ' +
        'can give without using it up; pass --parallel on or off',
    );
  }
  const batch = batches(0, 0);
  return {
    step: 0,
    microBatches: 1,
    batch: () => batch,
    seeds: [stepSeed(ctx.seed, 0, 0)],
    params,
    lossFn: train.lossFn,
  };
}
