import { type TrainOptions, train, warmupCosineSchedule } from '@beyond-ntp/transformer-core';
import type { RunContext } from './experiment.js';
import type { Json } from './json.js';

/** An AdamW recipe with linear warmup and cosine decay, the usual small-transformer schedule. */
export interface TrainRecipe {
  /** Optimizer updates. */
  steps: number;
  /** Peak learning rate, reached at the end of warmup. */
  lr: number;
  /** Updates of linear warmup (capped at `steps`). */
  warmupSteps: number;
  /** The rate the cosine decays to by the last update, as a fraction of `lr` (e.g. 0.03; 1 keeps it constant). */
  finalLrFraction: number;
  /** AdamW β₁. */
  beta1: number;
  /** AdamW β₂. */
  beta2: number;
  /** AdamW decoupled weight decay. */
  weightDecay: number;
  /** Global gradient-norm clip; `null` disables clipping. */
  clipNorm: number | null;
  /** Evaluate (and checkpoint) every this many updates, and after the last. */
  evalEvery: number;
}

/** Options of {@link trainRun}. */
export interface TrainRunOptions<B> {
  /** The kit's run context: seed, checkpoints, resume, progress and curves. */
  ctx: RunContext<Json>;
  /** What `train` optimises: the model's `params`, `lossFn`, optional `gradients`, `batches`, `tokensPerStep`. */
  train: Pick<TrainOptions<B>, 'params' | 'lossFn' | 'gradients' | 'batches' | 'tokensPerStep'>;
  /** How long and how fast. */
  recipe: TrainRecipe;
  /** The model config, stored with every checkpoint so it can rebuild the model. */
  modelConfig: unknown;
  /** Held-out metrics of the model as it is now (plain numbers); each becomes a learning curve. */
  evaluate: () => Record<string, number> | Promise<Record<string, number>>;
}

/**
 * Trains one run of an experiment with transformer-core's `train`: the recipe's AdamW and warmup-cosine schedule,
 * the run's seed, checkpoints every `evalEvery` updates in `ctx.checkpointDir` (so a killed run resumes exactly),
 * progress and the training loss (curve `loss`, 50 points) through `ctx.trainCallbacks`, and `evaluate` every
 * `evalEvery` updates, each metric recorded as a curve. Returns the metrics of the final model.
 */
export async function trainRun<B>(options: TrainRunOptions<B>): Promise<Record<string, number>> {
  const { ctx, recipe, evaluate } = options;
  const { steps, evalEvery } = recipe;
  const evaluateAt = async (step: number) => {
    const metrics = await evaluate();
    for (const [name, value] of Object.entries(metrics)) ctx.record(name, step, value);
    return metrics;
  };
  await train<B>({
    ...options.train,
    steps,
    learningRate: warmupCosineSchedule({
      maxLr: recipe.lr,
      minLr: recipe.lr * recipe.finalLrFraction,
      warmupSteps: Math.min(recipe.warmupSteps, steps),
      decaySteps: steps,
    }),
    optimizer: { beta1: recipe.beta1, beta2: recipe.beta2, weightDecay: recipe.weightDecay },
    clipNorm: recipe.clipNorm,
    seed: ctx.seed,
    checkpoint: { dir: ctx.checkpointDir, every: evalEvery, config: options.modelConfig },
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
  return evaluateAt(steps);
}
