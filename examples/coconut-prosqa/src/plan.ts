import type { CoconutMethod } from '@beyond-ntp/coconut-curriculum';
import type { Mode } from '@beyond-ntp-examples/kit';
import type { TaskPlan } from './task.js';

/** Everything a run needs beyond its method: data, model, optimisation and schedule (the same for all conditions). */
export interface RunPlan {
  /** The ProsQA questions. */
  task: TaskPlan;
  /** Model width, depth and heads (transformer-core defaults otherwise: GPT-2 layout, learned positions). */
  model: { dModel: number; nLayers: number; nHeads: number };
  /** Examples per update. */
  batchSize: number;
  /** Constant learning rate (a from-scratch model needs more than the reference 1e-4 for a pretrained one). */
  learningRate: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  /** Epochs of the shared chain-of-thought prefix (stage 0) every condition "from CoT" starts from. */
  cotEpochs: number;
  /** Epochs per curriculum stage after the prefix. */
  epochsPerStage: number;
  /** Last step-replacing stage M: Coconut thinks M thoughts (c = 1) at the final stage. */
  maxLatentStage: number;
  /** Epochs at the final stage (every step replaced) after stage M. */
  finalEpochs: number;
}

/** Epochs every condition trains after the prefix: M stages of `epochsPerStage`, then `finalEpochs`. */
export function afterPrefixEpochs(plan: RunPlan): number {
  return plan.maxLatentStage * plan.epochsPerStage + plan.finalEpochs;
}

/** One condition: a training method of `coconut-curriculum`, from scratch or from the shared CoT checkpoint. */
export interface ConditionSpec {
  /** The condition's name in tables and plots. */
  name: string;
  /** The method trained after the start point. */
  method: CoconutMethod;
  /** `scratch`: a fresh model for prefix + after-prefix epochs; `cot`: the seed's CoT checkpoint, then the method. */
  from: 'scratch' | 'cot';
  /** One line for the README and results. */
  description: string;
}

/**
 * The compared conditions. `cot` trains the prefix and saves the checkpoint the `from: 'cot'` conditions start
 * from, then continues with chain of thought, so every condition trains the same number of epochs.
 */
export const CONDITIONS: readonly ConditionSpec[] = [
  {
    name: 'cot',
    method: 'cot',
    from: 'scratch',
    description: 'chain of thought throughout (saves the CoT checkpoint)',
  },
  { name: 'no-cot', method: 'no-cot', from: 'scratch', description: 'question then answer throughout' },
  {
    name: 'coconut',
    method: 'coconut',
    from: 'cot',
    description: 'CoT checkpoint, then stages 1..M with continuous thoughts',
  },
  {
    name: 'no-curriculum',
    method: 'no-curriculum',
    from: 'cot',
    description: 'CoT checkpoint, then straight to the last stage (M thoughts, no language steps)',
  },
  {
    name: 'no-thought',
    method: 'no-thought',
    from: 'cot',
    description: 'CoT checkpoint, then stages 1..M removing steps with no thoughts in their place',
  },
  {
    name: 'cot-then-answer',
    method: 'no-cot',
    from: 'cot',
    description: 'CoT checkpoint, then question-then-answer training (no thoughts, no stages)',
  },
];

/**
 * The plan of a mode. Graphs of 6 nodes with 3-step answers: the largest size at which the calibration
 * (`src/calibrate.ts`, see the README) saw this model learn chain of thought within the budget; at 8 nodes it was
 * still at 0 % after 310 updates.
 */
export function planFor(mode: Mode): RunPlan {
  const common = {
    model: { dModel: 64, nLayers: 2, nHeads: 4 },
    batchSize: 32,
    learningRate: 1e-3,
    clipNorm: 1,
    maxLatentStage: 3,
  };
  const task = { nodes: 6, minSteps: 3, maxSteps: 3 };
  if (mode === 'smoke') {
    return {
      ...common,
      task: { ...task, trainCount: 48, testCount: 16 },
      model: { dModel: 16, nLayers: 1, nHeads: 2 },
      batchSize: 16,
      cotEpochs: 1,
      epochsPerStage: 1,
      maxLatentStage: 2,
      finalEpochs: 1,
    };
  }
  if (mode === 'quick') {
    return {
      ...common,
      task: { ...task, trainCount: 640, testCount: 100 },
      cotEpochs: 12,
      epochsPerStage: 1,
      finalEpochs: 1,
    };
  }
  return {
    ...common,
    task: { ...task, trainCount: 1000, testCount: 200 },
    cotEpochs: 16,
    epochsPerStage: 2,
    finalEpochs: 2,
  };
}
