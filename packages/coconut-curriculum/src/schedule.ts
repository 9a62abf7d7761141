// The training schedule as data: which stage each epoch trains, where the optimizer restarts, and each epoch's
// rows (shuffled, stage-mixed) — everything `trainCurriculum` needs, computed without a model, so it can be
// inspected and tested on its own. Every epoch draws from its own seed, so any epoch's rows can be rebuilt alone
// (this is what makes a run resumable at an epoch boundary).
import { seededRandom, stepSeed } from '@beyond-ntp/transformer-core';
import { CoconutError, checkInteger } from './errors.js';
import { type CoconutTokens, checkExample, type ReasoningExample } from './example.js';
import {
  type CoconutMethod,
  checkMethod,
  isCurriculumMethod,
  methodSlots,
  scheduledStage,
} from './methods.js';
import { type CurriculumShape, checkShape, type StagedSequence, stageExample } from './stages.js';

/**
 * When a fresh AdamW replaces the old one (moments and step counts restart):
 * - `stage`: when the training stage changes, as the paper describes (stages past `maxLatentStage` lay out the
 *   data identically, so they count as one stage);
 * - `epoch`: at every epoch, which is what the reference code does (`reset_optimizer` re-creates the optimizer
 *   at the start of each epoch);
 * - `never`: one optimizer for the whole run.
 */
export type OptimizerReset = 'stage' | 'epoch' | 'never';

/** What decides each epoch's data: the curriculum's shape, the method and the stage mixing. */
export interface ScheduleOptions extends CurriculumShape {
  /**
   * The method: Coconut or one of the paper's baselines.
   * @default 'coconut'
   */
  method?: CoconutMethod;
  /** Epochs per curriculum stage (5 on ProsQA, 3 on GSM8k). */
  epochsPerStage: number;
  /**
   * With this probability, an example trains, in a given epoch, at a stage drawn uniformly from
   * `{0, …, its step count}` instead of the scheduled one (the reference code's `uniform_prob`; the paper's
   * analysis model uses 0.3). Curriculum methods only.
   * @default 0
   */
  uniformProb?: number;
}

/** Options of {@link planEpochs}. */
export interface PlanOptions extends ScheduleOptions {
  /** Total epochs (50 on ProsQA). */
  epochs: number;
  /**
   * When the optimizer restarts.
   * @default 'stage'
   */
  optimizerReset?: OptimizerReset;
}

/** One epoch of a schedule. */
export interface PlannedEpoch {
  /** 0-based epoch. */
  epoch: number;
  /** The scheduled stage (examples may train at other stages under `uniformProb`). */
  stage: number;
  /** Index of the optimizer segment: epochs of one segment share one AdamW (one `train()` call). */
  segment: number;
}

/**
 * The schedule, epoch by epoch: scheduled stage (see {@link scheduledStage}) and optimizer segment.
 *
 * @throws {CoconutError} (`INVALID_OPTION`) naming an option out of range.
 */
export function planEpochs(options: PlanOptions): PlannedEpoch[] {
  const { method, epochsPerStage, maxLatentStage } = checkSchedule(options);
  const epochs = checkInteger('epochs', options.epochs, 0);
  const optimizerReset = options.optimizerReset ?? 'stage';
  if (!['stage', 'epoch', 'never'].includes(optimizerReset)) {
    throw new CoconutError(
      'INVALID_OPTION',
      'optimizerReset',
      `must be 'stage', 'epoch' or 'never' (got ${String(optimizerReset)})`,
    );
  }
  const plan: PlannedEpoch[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const stage = scheduledStage({ method, epoch, epochsPerStage, maxLatentStage });
    const previous = plan[epoch - 1];
    const sameData = (a: number, b: number) =>
      Math.min(a, maxLatentStage + 1) === Math.min(b, maxLatentStage + 1);
    const restart =
      previous === undefined ||
      optimizerReset === 'epoch' ||
      (optimizerReset === 'stage' && !sameData(previous.stage, stage));
    plan.push({ epoch, stage, segment: previous === undefined ? 0 : previous.segment + (restart ? 1 : 0) });
  }
  return plan;
}

/** Options of {@link epochRows}. */
export interface EpochRowsOptions extends ScheduleOptions {
  /** The training examples. */
  examples: readonly ReasoningExample[];
  /** Special token ids. */
  tokens: CoconutTokens;
  /** The epoch whose rows to build. */
  epoch: number;
  /**
   * Run seed; the epoch's shuffle and stage draws come from a seed derived from it and the epoch.
   * @default 0
   */
  seed?: number;
}

/**
 * One epoch's training rows: every example once, shuffled, each laid out at the scheduled stage or, with
 * probability `uniformProb`, at a stage drawn uniformly from `{0, …, its step count}` (the reference code rebuilds
 * and reshuffles its data every epoch the same way). Deterministic in (seed, epoch).
 *
 * @throws {CoconutError} for malformed examples or options.
 */
export function epochRows(options: EpochRowsOptions): StagedSequence[] {
  const schedule = checkSchedule(options);
  const { method, uniformProb } = schedule;
  const epoch = checkInteger('epoch', options.epoch, 0);
  const seed = checkInteger('seed', options.seed ?? 0, 0);
  const examples = options.examples;
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new CoconutError('INVALID_OPTION', 'examples', 'must hold at least one example');
  }
  const random = seededRandom(stepSeed(seed, epoch, 0));
  const stage = scheduledStage({ ...schedule, epoch });
  const order = shuffle(examples.length, random);
  return order.map((i) => {
    const example = checkExample(examples[i] as ReasoningExample, `examples[${i}]`, options.tokens.latent);
    // Draw for every example, mixed or not, so that uniformProb = 0 and > 0 shuffle alike.
    const mixed = random() < uniformProb;
    const draw = Math.floor(random() * (example.steps.length + 1));
    return stageExample({
      ...schedule,
      example,
      stage: mixed ? draw : stage,
      slots: methodSlots(method),
      tokens: options.tokens,
    });
  });
}

// Fisher–Yates over 0 … n − 1.
function shuffle(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** @internal The validated schedule, defaults filled. */
export function checkSchedule(options: ScheduleOptions): Required<ScheduleOptions> {
  const method = checkMethod(options.method ?? 'coconut');
  const uniformProb = options.uniformProb ?? 0;
  if (typeof uniformProb !== 'number' || !(uniformProb >= 0 && uniformProb <= 1)) {
    throw new CoconutError(
      'INVALID_OPTION',
      'uniformProb',
      `must be a probability in [0, 1] (got ${String(uniformProb)})`,
    );
  }
  if (uniformProb > 0 && !isCurriculumMethod(method)) {
    throw new CoconutError(
      'INVALID_OPTION',
      'uniformProb',
      `mixes curriculum stages, but method '${method}' trains a single stage; leave it at 0`,
    );
  }
  return {
    ...checkShape(options),
    method,
    epochsPerStage: checkInteger('epochsPerStage', options.epochsPerStage, 1),
    uniformProb,
  };
}
