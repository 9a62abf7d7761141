import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type TrainCurriculumOptions, trainCurriculum } from '@beyond-ntp/coconut-curriculum';
import { createModel, loadModel, saveModel, type TransformerModel } from '@beyond-ntp/transformer-core';
import type { Json, RunContext } from '@beyond-ntp-examples/kit';
import { evaluateModel } from './evaluate.js';
import { afterPrefixEpochs, type ConditionSpec, type RunPlan } from './plan.js';
import { type ProsQATask, prosqaTask } from './task.js';

/** What a condition stores with its results. */
export interface ConditionConfig {
  /** Data, model, optimisation and schedule. */
  plan: RunPlan;
  /** The condition. */
  spec: ConditionSpec;
}

/** Where the `cot` run of a seed saves the model after the prefix (kept after the run, for its dependents). */
export const PREFIX_DIR = 'cot-checkpoint';

/**
 * One run. `from: 'scratch'` conditions train a fresh model (seeded) for the prefix epochs and then the
 * after-prefix epochs; `cot` saves its weights after the prefix (`<run dir>/cot-checkpoint`) and scores them
 * (`prefixAccuracy`, `prefixValidPath`). `from: 'cot'` conditions load that checkpoint of the same seed and train
 * their method for the after-prefix epochs, with the optimizer starting afresh as every condition's does at the
 * prefix boundary. Returns the final held-out metrics.
 */
export async function runCondition(ctx: RunContext<Json>): Promise<Record<string, number>> {
  const { plan, spec } = ctx.config as unknown as ConditionConfig;
  const task = prosqaTask(plan.task);
  const after = afterPrefixEpochs(plan);
  const score = (model: TransformerModel) =>
    evaluateModel({
      model,
      method: spec.method,
      maxLatentStage: plan.maxLatentStage,
      records: task.test,
      tokenizer: task.tokenizer,
      maxNewTokens: task.maxAfter,
      batchSize: 100,
    });
  const train = (model: TransformerModel, phase: Phase) => trainPhase({ ctx, plan, task, model, phase });

  let model: TransformerModel;
  const metrics: Record<string, number> = {};
  if (spec.from === 'cot') {
    model = await loadModel(join(ctx.dependencyDir('cot'), PREFIX_DIR));
  } else {
    const prefixDir = join(ctx.dir, PREFIX_DIR);
    if (spec.name === 'cot' && existsSync(join(prefixDir, 'config.json'))) {
      model = await loadModel(prefixDir);
    } else {
      model = createModel(modelConfig(plan, task), { seed: ctx.seed });
      await train(model, { name: 'prefix', method: spec.method, first: 0, epochs: plan.cotEpochs });
      if (spec.name === 'cot') await saveModel(prefixDir, model);
    }
    if (spec.name === 'cot') {
      const prefix = score(model);
      metrics.prefixAccuracy = prefix.accuracy;
      metrics.prefixValidPath = prefix.validPath;
    }
  }
  try {
    const first = spec.from === 'cot' ? 0 : plan.cotEpochs;
    await train(model, { name: 'after', method: spec.method, first, epochs: after });
    return { ...score(model), ...metrics };
  } finally {
    model.dispose();
  }
}

/** The model of a plan, sized for the longest row any condition lays out (thoughts and markers included). */
export function modelConfig(plan: RunPlan, task: ProsQATask) {
  return {
    vocabSize: task.tokenizer.vocabSize,
    contextLength: task.maxQuestion + plan.maxLatentStage + 2 + task.maxAfter,
    ...plan.model,
  };
}

interface Phase {
  /** Checkpoint subdirectory. */
  name: string;
  method: ConditionSpec['method'];
  /** Progress (in epochs) before this phase. */
  first: number;
  /** Epochs in the phase. */
  epochs: number;
}

// One trainCurriculum call. After the prefix, curriculum methods need stage 1 at the phase's first epoch, so the
// phase runs epochs `epochsPerStage` … `epochsPerStage + epochs − 1` of the method's schedule; the other methods
// ignore the epoch number apart from the data shuffle.
async function trainPhase(args: {
  ctx: RunContext<Json>;
  plan: RunPlan;
  task: ProsQATask;
  model: TransformerModel;
  phase: Phase;
}): Promise<void> {
  const { ctx, plan, task, model, phase } = args;
  const startEpoch = phase.name === 'prefix' ? 0 : plan.epochsPerStage;
  const options: TrainCurriculumOptions = {
    model,
    examples: task.examples,
    tokens: task.tokenizer.tokens,
    method: phase.method,
    maxLatentStage: plan.maxLatentStage,
    epochsPerStage: plan.epochsPerStage,
    epochs: startEpoch + phase.epochs,
    startEpoch,
    batchSize: plan.batchSize,
    learningRate: plan.learningRate,
    clipNorm: plan.clipNorm,
    seed: ctx.seed,
    checkpoint: { dir: join(ctx.checkpointDir, phase.name), every: 50, config: model.config },
    resume: ctx.resume,
    onEpochEnd: ({ epoch, loss }) => {
      // Curves count epochs from the start of training, prefix included, for every condition.
      const trained = (phase.name === 'prefix' ? 0 : plan.cotEpochs) + epoch - startEpoch + 1;
      ctx.record('loss', trained, loss);
      ctx.progress(phase.first + epoch - startEpoch + 1);
    },
  };
  ctx.progress(phase.first);
  await trainCurriculum(options);
}
