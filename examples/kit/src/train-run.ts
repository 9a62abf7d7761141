import { type TrainOptions, train, warmupCosineSchedule } from '@beyond-ntp/transformer-core';
import type { RunContext } from './experiment.js';
import type { Json } from './json.js';
import { type ParallelTraining, type RunGradients, runGradients } from './parallel/threads.js';

/**
 * An AdamW recipe with linear warmup and cosine decay. The defaults are nanoGPT's (β = (0.9, 0.95), weight decay
 * 0.1, clipping at 1, decay to 0.1 × lr), which are also the multi-token paper's shared settings but for its 0.03.
 */
export interface TrainRecipe {
  /** Optimizer updates. */
  steps: number;
  /** Peak learning rate, reached at the end of warmup. */
  lr: number;
  /** Evaluate (and checkpoint) every this many updates, and after the last. */
  evalEvery: number;
  /** Updates of linear warmup (capped at `steps`). @default 0 */
  warmupSteps?: number;
  /** The rate the cosine decays to by the last update, as a fraction of `lr` (1 keeps it constant). @default 0.1 */
  finalLrFraction?: number;
  /** AdamW β₁. @default 0.9 */
  beta1?: number;
  /** AdamW β₂. @default 0.95 */
  beta2?: number;
  /** AdamW decoupled weight decay. @default 0.1 */
  weightDecay?: number;
  /** Global gradient-norm clip; `null` disables clipping. @default 1 */
  clipNorm?: number | null;
}

/** What {@link trainRun} trains and then disposes: a transformer-core model, or anything with its shape. */
export interface TrainableModel {
  /** Its weights by checkpoint name. */
  params: TrainOptions<unknown>['params'];
  /** Its config, stored with every checkpoint so it can rebuild the model. */
  config: unknown;
  /** Frees its weights. */
  dispose(): void;
}

/** Options of {@link trainRun}; `S` is the shard type of `parallel`. */
export interface TrainRunOptions<B, S = unknown> {
  /** The kit's run context: seed, checkpoints, resume, progress and curves. */
  ctx: RunContext<Json>;
  /** The model to train; `trainRun` owns it from here and disposes it when it returns or throws. */
  model: TrainableModel;
  /** What `train` optimises the model's weights for: `lossFn`, optional `gradients`, `batches`, `tokensPerStep`. */
  train: Pick<TrainOptions<B>, 'lossFn' | 'gradients' | 'batches' | 'tokensPerStep'>;
  /** How long and how fast. */
  recipe: TrainRecipe;
  /** Held-out metrics of the model as it is now (plain numbers); each becomes a learning curve. */
  evaluate: () => Record<string, number> | Promise<Record<string, number>>;
  /**
   * How the run can train on two threads (e.g. `multiTokenParallel(objective)`), which `--parallel` (`ctx.parallel`)
   * then turns on, off, or on when faster (`auto`); see `runGradients`.
   * @default one thread, whatever `--parallel` says
   */
  parallel?: ParallelTraining<B, S>;
}

/**
 * Trains one run's model with transformer-core's `train`, then disposes the model: the recipe's AdamW and
 * warmup-cosine schedule,
 * the run's seed, checkpoints every `evalEvery` updates in `ctx.checkpointDir` (so a killed run resumes exactly),
 * progress and the training loss (curve `loss`, 50 points) through `ctx.trainCallbacks`, and `evaluate` every
 * `evalEvery` updates, each metric recorded as a curve. With `parallel`, the updates' gradients are computed on one
 * thread or two as `--parallel` decides (`runGradients`), and the worker is stopped when the run returns or throws.
 * Returns the metrics of the final model.
 */
export async function trainRun<B, S = unknown>(
  options: TrainRunOptions<B, S>,
): Promise<Record<string, number>> {
  const { ctx, model, recipe, evaluate } = options;
  const { steps, lr, evalEvery, warmupSteps = 0, finalLrFraction = 0.1 } = recipe;
  const evaluateAt = async (step: number) => {
    const metrics = await evaluate();
    for (const [name, value] of Object.entries(metrics)) ctx.record(name, step, value);
    return metrics;
  };
  let threads: RunGradients<B> | undefined;
  try {
    threads = await runGradients({
      ctx,
      params: model.params,
      train: options.train,
      parallel: options.parallel,
    });
    await train<B>({
      ...options.train,
      gradients: threads.gradients,
      params: model.params,
      steps,
      learningRate: warmupCosineSchedule({
        maxLr: lr,
        minLr: lr * finalLrFraction,
        warmupSteps: Math.min(warmupSteps, steps),
        decaySteps: steps,
      }),
      optimizer: {
        beta1: recipe.beta1 ?? 0.9,
        beta2: recipe.beta2 ?? 0.95,
        weightDecay: recipe.weightDecay ?? 0.1,
      },
      clipNorm: recipe.clipNorm === undefined ? 1 : recipe.clipNorm,
      seed: ctx.seed,
      checkpoint: { dir: ctx.checkpointDir, every: evalEvery, config: model.config },
      resume: ctx.resume,
      callbacks: [
        ctx.trainCallbacks({ lossEvery: Math.max(1, Math.floor(steps / 50)) }),
        {
          onStep: async ({ step }) => {
            if (step % evalEvery === 0 && step !== steps) await evaluateAt(step);
          },
        },
      ],
    });
    return await evaluateAt(steps);
  } finally {
    try {
      await threads?.close();
    } finally {
      model.dispose();
    }
  }
}
