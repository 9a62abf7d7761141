import { multiTokenLossFn } from '@beyond-ntp/losses-multitoken';
import { Rng } from '@beyond-ntp/synth-tasks';
import { createModel, type ModelConfigInput, type TransformerModel } from '@beyond-ntp/transformer-core';
import { type Json, multiTokenParallel, type RunContext, trainRun } from '@beyond-ntp-examples/kit';
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
  /** The kit's run context: seed, checkpoints, resume, progress, curves, `--parallel`. */
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
 * Trains a fresh model (initialised from the run's seed, so every order starts from the same weights) with the
 * kit's `trainRun`: next-token loss on target tokens only (head 0 of losses-multitoken's loss, so `--parallel`
 * can split batches over two threads), AdamW β = (0.9, 0.99), weight decay 0.1, linear warmup then a constant
 * rate. Batches walk a fresh seeded shuffle of the examples each epoch, a pure function of the step, so a
 * resumed run sees exactly the batches it would have. Returns the metrics of the final model.
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
  const objective = targetTokenObjective(model);
  return trainRun({
    ctx,
    model,
    train: { lossFn: multiTokenLossFn(objective), batches, tokensPerStep: recipe.batch * (length - 1) },
    recipe: {
      steps: recipe.steps,
      lr: recipe.lr,
      evalEvery: recipe.evalEvery,
      warmupSteps: recipe.warmupSteps,
      finalLrFraction: 1,
      beta2: 0.99,
    },
    parallel: multiTokenParallel(objective),
    evaluate: () => evaluate(model),
  });
}

/**
 * The loss every condition trains on, as a losses-multitoken objective: head 0 alone is next-token prediction,
 * and a {@link Rows} batch is its `{ ids, mask }`, so the loss is the mean cross-entropy over target tokens.
 */
export function targetTokenObjective(model: TransformerModel): { model: TransformerModel; heads: number[] } {
  return { model, heads: [0] };
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
