import { join } from 'node:path';
import {
  addHeads,
  type MultiTokenObjective,
  multiTokenGradients,
  multiTokenLossFn,
} from '@beyond-ntp/losses-multitoken';
import {
  createModel,
  type TransformerModel,
  train,
  warmupCosineSchedule,
} from '@beyond-ntp/transformer-core';
import { hasCheckpoint, type Json, type RunContext } from '@beyond-ntp-examples/kit';
import { HEADS, type Plan } from './plan.js';
import { PAD_ID, windowBatch } from './stories.js';

/** Options of {@link trainJoint} and {@link trainHeadsAdded}. */
export interface TrainModelOptions {
  /** The run: seed, checkpoint directory, progress. */
  ctx: RunContext<Json>;
  /** Model, budgets and recipe. */
  plan: Plan;
  /** Characters in the data (the model's vocabulary). */
  vocabSize: number;
  /** The training stream windows are cut from. */
  trainIds: readonly number[];
}

const configOf = (plan: Plan, vocabSize: number, heads: number) => ({
  ...plan.model,
  vocabSize,
  heads: { count: heads, type: 'transformer' as const },
});

/**
 * The multi-token model trained from scratch: 4 transformer heads on a shared trunk, the loss summed over the
 * heads, gradients computed head by head (the paper's memory-efficient path, `multiTokenGradients`).
 */
export async function trainJoint(options: TrainModelOptions): Promise<TransformerModel> {
  const { ctx, plan, vocabSize } = options;
  const model = createModel(configOf(plan, vocabSize, HEADS), { seed: ctx.seed });
  try {
    await trainPhase({
      ...options,
      objective: { model, padId: PAD_ID },
      phase: 'joint',
      steps: plan.steps,
      offset: 0,
    });
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * The paper's comparison: a next-token model trained for the same steps (same trunk, one head), then frozen,
 * with 3 heads added (`addHeads`, drawn fresh) and trained alone for `headSteps` more updates on new windows.
 * Its head 0 is the next-token model's, unchanged, so its greedy output is the next-token model's.
 */
export async function trainHeadsAdded(options: TrainModelOptions): Promise<TransformerModel> {
  const { ctx, plan, vocabSize } = options;
  const base = createModel(configOf(plan, vocabSize, 1), { seed: ctx.seed });
  let added: ReturnType<typeof addHeads> | undefined;
  try {
    await trainPhase({
      ...options,
      objective: { model: base, padId: PAD_ID },
      phase: 'base',
      steps: plan.steps,
      offset: 0,
    });
    added = addHeads({ base, count: HEADS, seed: ctx.seed + 1 });
    const objective = { model: added.model, heads: added.newHeads, padId: PAD_ID };
    await trainPhase({ ...options, objective, phase: 'heads', steps: plan.headSteps, offset: plan.steps });
    return added.model;
  } catch (error) {
    added?.model.dispose();
    throw error;
  } finally {
    base.dispose();
  }
}

/**
 * One training phase through transformer-core's `train`, resumable from its own checkpoint subdirectory: AdamW
 * β = (0.9, 0.99), weight decay 0.1, linear warmup then cosine decay to a tenth of the peak rate, clipping at
 * norm 1. Batch `offset + step` of the run's window stream, so a later phase sees windows an earlier one did not.
 */
async function trainPhase(
  args: TrainModelOptions & { objective: MultiTokenObjective; phase: string; steps: number; offset: number },
): Promise<void> {
  const { ctx, plan, trainIds, objective, phase, steps, offset } = args;
  const dir = join(ctx.checkpointDir, phase);
  await train({
    params: objective.model.params,
    lossFn: multiTokenLossFn(objective),
    gradients: multiTokenGradients(objective),
    batches: (step: number) =>
      windowBatch({
        ids: trainIds,
        seed: ctx.seed,
        step: offset + step,
        batch: plan.batch,
        length: plan.model.contextLength,
      }),
    steps,
    learningRate: warmupCosineSchedule({
      maxLr: plan.lr,
      minLr: plan.lr / 10,
      warmupSteps: Math.min(plan.warmupSteps, steps),
      decaySteps: steps,
    }),
    optimizer: { beta1: 0.9, beta2: 0.99, weightDecay: 0.1 },
    seed: ctx.seed,
    checkpoint: { dir, every: 50, config: objective.model.config },
    resume: await hasCheckpoint(dir),
    callbacks: [ctx.trainCallbacks({ offset })],
  });
}
