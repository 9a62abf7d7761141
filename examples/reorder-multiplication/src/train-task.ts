import { Rng } from '@beyond-ntp/synth-tasks';
import {
  createModel,
  crossEntropy,
  type ModelConfigInput,
  type TransformerModel,
  train,
  warmupCosineSchedule,
} from '@beyond-ntp/transformer-core';
import type { Json, RunContext } from '@beyond-ntp-examples/kit';
import * as tf from '@tensorflow/tfjs-core';
import { type PromptTarget, type Rows, toRows } from './rows.js';

/** The optimisation recipe shared by every condition (the calibration run's, see the README). */
export interface Recipe {
  /** Updates. */
  steps: number;
  /** Examples per update. */
  batch: number;
  /** Peak (and, after warmup, constant) learning rate. */
  lr: number;
  /** Linear warmup updates. */
  warmupSteps: number;
  /** Evaluate every this many updates (and after the last). */
  evalEvery: number;
}

/** Options of {@link trainTask}. */
export interface TrainTaskOptions {
  /** The kit's run context: seed, checkpoints, resume, progress, curves. */
  ctx: RunContext<Json>;
  /** The model's architecture. */
  model: ModelConfigInput;
  /** Training examples, targets already in the condition's emission order. */
  examples: readonly PromptTarget[];
  /** Padded sequence length (prompt + target). */
  length: number;
  /** Padding id. */
  padId: number;
  /** How long and how fast to train. */
  recipe: Recipe;
  /** Held-out metrics of the model as it is now; each becomes a learning curve. */
  evaluate: (model: TransformerModel) => Record<string, number>;
}

/**
 * Trains a fresh model (initialised from the run's seed, so every order starts from the same weights) on the
 * examples with the loss on target tokens only, AdamW β = (0.9, 0.99), weight decay 0.1, linear warmup then a
 * constant rate. Batches walk a fresh seeded shuffle of the examples each epoch, a pure function of the step,
 * so a resumed run sees exactly the batches it would have. Evaluates on the schedule, recording every metric
 * as a curve, and returns the metrics of the final model.
 */
export async function trainTask(options: TrainTaskOptions): Promise<Record<string, number>> {
  const { ctx, examples, length, padId, recipe, evaluate } = options;
  const model = createModel(options.model, { seed: ctx.seed });
  const order = epochOrder(examples.length, ctx.seed);
  const batches = (step: number): Rows =>
    toRows({
      examples: Array.from(
        { length: recipe.batch },
        (_, i) => examples[order(step * recipe.batch + i)] as PromptTarget,
      ),
      length,
      padId,
    });
  const evaluateAt = (step: number) => {
    const metrics = evaluate(model);
    for (const [name, value] of Object.entries(metrics)) ctx.record(name, step, value);
    return metrics;
  };
  try {
    await train<Rows>({
      params: model.params,
      batches,
      lossFn: (rows, context) =>
        tf.tidy(() => {
          const { logits } = model.forward(rows.ids, { training: context.training, seed: context.seed });
          const targets = tf.tensor2d(rows.targets, undefined, 'int32');
          return crossEntropy(logits[0] as tf.Tensor3D, targets, { mask: tf.tensor2d(rows.mask) });
        }),
      steps: recipe.steps,
      learningRate: warmupCosineSchedule({
        maxLr: recipe.lr,
        minLr: recipe.lr,
        warmupSteps: recipe.warmupSteps,
        decaySteps: recipe.steps,
      }),
      optimizer: { beta1: 0.9, beta2: 0.99, weightDecay: 0.1 },
      seed: ctx.seed,
      tokensPerStep: recipe.batch * (length - 1),
      checkpoint: { dir: ctx.checkpointDir, every: recipe.evalEvery, config: model.config },
      resume: ctx.resume,
      callbacks: [
        ctx.trainCallbacks({ lossEvery: Math.max(1, Math.floor(recipe.steps / 50)) }),
        {
          onStep: ({ step }) => {
            if (step % recipe.evalEvery === 0 && step !== recipe.steps) evaluateAt(step);
          },
        },
      ],
    });
    return evaluateAt(recipe.steps);
  } finally {
    model.dispose();
  }
}

/**
 * Index of the k-th example drawn: example `perm_e[k mod N]` with `perm_e` a shuffle seeded by the run seed
 * and the epoch e = ⌊k / N⌋. The last epoch's shuffle is kept, as batches are drawn in order.
 */
export function epochOrder(count: number, seed: number): (k: number) => number {
  let epoch = -1;
  let perm: number[] = [];
  return (k) => {
    const e = Math.floor(k / count);
    if (e !== epoch) {
      epoch = e;
      perm = new Rng(`reorder-multiplication/batches/${seed}/${e}`).shuffle(
        Array.from({ length: count }, (_, i) => i),
      );
    }
    return perm[k % count] as number;
  };
}
