// The curriculum on top of transformer-core's `train()`. `train()` makes a fresh AdamW per call and offers no way
// to hand one over, so an optimizer reset *is* a new `train()` call: the epochs between two resets (a segment of
// `planEpochs`) run as one call, whose batch function walks through their rows. Everything else — gradients,
// clipping, the non-finite check, callbacks — is `train()`'s own.
import {
  type AdamWOptions,
  type LearningRateSchedule,
  listCheckpoints,
  stepSeed,
  type TrainCallbacks,
  type TrainCheckpointOptions,
  type TransformerModel,
  train,
} from '@beyond-ntp/transformer-core';
import { type CoconutBatch, collate } from './collate.js';
import type { ThoughtMode } from './continuous-forward.js';
import { CoconutError, checkInteger } from './errors.js';
import type { CoconutTokens, ReasoningExample } from './example.js';
import { coconutLoss } from './loss.js';
import { epochRows, type PlannedEpoch, type PlanOptions, planEpochs } from './schedule.js';
import type { StagedSequence } from './stages.js';

/**
 * The reference code's optimizer: `torch.optim.AdamW(lr = 1e-4, weight_decay = 0.01)` with PyTorch's defaults
 * (β = (0.9, 0.999), ε = 1e-8) and decay on every parameter, norms and biases included (one parameter group).
 */
export const REFERENCE_ADAMW: AdamWOptions = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0.01,
  decay: () => true,
};

/** What {@link TrainCurriculumOptions.onEpochEnd} receives after each epoch. */
export interface EpochSummary {
  /** 0-based epoch. */
  epoch: number;
  /** The scheduled stage. */
  stage: number;
  /** Optimizer segment (one `train()` call, one AdamW). */
  segment: number;
  /** Updates the summary averages: all of the epoch's, unless a resume cut the epoch (see `resume`). */
  steps: number;
  /** Mean training loss over those updates. */
  loss: number;
}

/** Options of {@link trainCurriculum}. */
export interface TrainCurriculumOptions extends PlanOptions {
  /** The model; its trainable weights are updated in place. */
  model: TransformerModel;
  /** Training examples (token ids). */
  examples: readonly ReasoningExample[];
  /** Special token ids. */
  tokens: CoconutTokens;
  /** Examples per update; an epoch is `⌈examples / batchSize⌉` updates, the last one possibly smaller. */
  batchSize: number;
  /**
   * Run seed: each epoch's shuffle and stage draws, and dropout.
   * @default 0
   */
  seed?: number;
  /**
   * How thoughts are computed (see {@link continuousForward}); `naive` costs n + 1 full passes.
   * @default 'cached'
   */
  mode?: ThoughtMode;
  /**
   * Learning rate: a constant, or a schedule of the run's 0-based update index (counted across optimizer resets).
   * @default 1e-4 (the reference code's constant rate)
   */
  learningRate?: number | LearningRateSchedule;
  /**
   * AdamW options of every segment.
   * @default REFERENCE_ADAMW
   */
  optimizer?: AdamWOptions;
  /**
   * Global gradient-norm clipping; `null` for none, as in the reference code.
   * @default null
   */
  clipNorm?: number | null;
  /** `train()` callbacks, passed to every segment's call (so `onStart`/`onEnd` fire once per segment). */
  callbacks?: TrainCallbacks[];
  /**
   * First epoch to run, to continue a run whose weights after epoch `startEpoch − 1` the model already holds
   * (e.g. restored from a checkpoint saved in `onEpochEnd`). Each epoch's data depends only on (seed, epoch), so
   * the continuation sees the rows an uninterrupted run would; the optimizer restarts at `startEpoch`, which
   * changes nothing when `startEpoch` begins a segment.
   * @default 0
   */
  startEpoch?: number;
  /** Called after each epoch, e.g. to evaluate, log or save the model. Awaited before training goes on. */
  onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
  /**
   * Save `train()` checkpoints (Node only): each optimizer segment writes to `<dir>/segment-<its first epoch>`
   * every `every` updates and after its last one, as `train()` does (`config` is stored with them).
   */
  checkpoint?: TrainCheckpointOptions;
  /**
   * Continue from the checkpoints in `checkpoint.dir`: segments before the newest checkpointed one are skipped,
   * that one resumes exactly where its checkpoint left it (weights, AdamW moments, data position), and the rest
   * run as usual. A run killed at any point and resumed ends with the weights of an uninterrupted run. Epochs
   * finished before the resumed checkpoint get no {@link EpochSummary}; an epoch cut by the kill is summarised
   * over its updates after the resume.
   * @default false
   */
  resume?: boolean;
}

/** Result of {@link trainCurriculum}. */
export interface CurriculumResult {
  /** One summary per epoch run. */
  epochs: EpochSummary[];
  /** Updates run by this call (a resumed run counts those after its checkpoint). */
  steps: number;
}

/**
 * Trains `model` with the Coconut curriculum (or one of the baselines, see {@link CoconutMethod}): per epoch,
 * the rows of {@link epochRows} in batches of `batchSize`, the loss of {@link coconutLoss}, one `train()` call per
 * optimizer segment of {@link planEpochs}.
 *
 * @throws {CoconutError} for invalid options or examples, before any update.
 */
export async function trainCurriculum(options: TrainCurriculumOptions): Promise<CurriculumResult> {
  const {
    model,
    examples,
    tokens,
    mode = 'cached',
    onEpochEnd,
    callbacks = [],
    checkpoint,
    resume = false,
  } = options;
  if (resume && checkpoint === undefined) {
    throw new CoconutError('INVALID_OPTION', 'resume', 'needs checkpoint.dir to resume from');
  }
  const batchSize = checkInteger('batchSize', options.batchSize, 1);
  const seed = checkInteger('seed', options.seed ?? 0, 0);
  const startEpoch = checkInteger('startEpoch', options.startEpoch ?? 0, 0);
  const plan = planEpochs(options).filter((p) => p.epoch >= startEpoch);
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new CoconutError('INVALID_OPTION', 'examples', 'must hold at least one example');
  }
  // Lay out every example once up front: a malformed one fails here, before any update.
  if (plan[0]) epochRows({ ...options, epoch: plan[0].epoch, seed });
  const stepsPerEpoch = Math.ceil(examples.length / batchSize);
  const learningRate = options.learningRate ?? 1e-4;
  const result: CurriculumResult = { epochs: [], steps: 0 };

  const segments = [...new Set(plan.map((p) => p.segment))].map((segment) => {
    const epochs = plan.filter((p) => p.segment === segment);
    const dir = checkpoint && `${checkpoint.dir}/segment-${(epochs[0] as PlannedEpoch).epoch}`;
    return { segment, epochs, dir };
  });
  // The newest segment with a checkpoint holds the weights to continue from; earlier ones are done.
  let resumeAt = -1;
  if (resume) {
    for (const [i, { dir }] of segments.entries()) {
      if ((await listCheckpoints(dir as string)).length > 0) resumeAt = i;
    }
  }

  for (const [i, { segment, epochs, dir }] of segments.entries()) {
    if (i < resumeAt) continue;
    const first = epochs[0] as PlannedEpoch;
    const rows = new EpochRowCache((epoch) => epochRows({ ...options, epoch, seed }));
    const epochOf = (step: number) => epochs[Math.floor(step / stepsPerEpoch)] as PlannedEpoch;
    const batches = (step: number): CoconutBatch => {
      const within = step % stepsPerEpoch;
      return collate({
        rows: rows.of(epochOf(step).epoch).slice(within * batchSize, (within + 1) * batchSize),
        tokens,
      });
    };
    const losses: number[] = [];
    const epochEnds: TrainCallbacks = {
      onStep: async ({ step, loss }) => {
        losses.push(loss);
        if (step % stepsPerEpoch !== 0) return;
        const { epoch, stage } = epochOf(step - 1);
        const summary = { epoch, stage, segment, steps: losses.length, loss: mean(losses) };
        losses.length = 0;
        result.epochs.push(summary);
        await onEpochEnd?.(summary);
      },
    };
    const offset = first.epoch * stepsPerEpoch;
    const run = await train<CoconutBatch>({
      params: model.params,
      lossFn: (batch, context) =>
        coconutLoss(model, batch, {
          latent: tokens.latent,
          mode,
          training: context.training,
          seed: context.seed,
        }),
      batches,
      steps: epochs.length * stepsPerEpoch,
      learningRate: typeof learningRate === 'function' ? (it) => learningRate(offset + it) : learningRate,
      optimizer: options.optimizer ?? REFERENCE_ADAMW,
      clipNorm: options.clipNorm === undefined ? null : options.clipNorm,
      callbacks: [...callbacks, epochEnds],
      seed: stepSeed(seed, first.epoch, 1),
      ...(checkpoint && { checkpoint: { ...checkpoint, dir: dir as string }, resume: i === resumeAt }),
    });
    result.steps += run.step - (run.resumedFrom ?? 0);
  }
  return result;
}

// The rows of one epoch at a time: an epoch's rows are rebuilt from (seed, epoch) when asked for, so a run never
// holds more than one epoch of laid-out examples.
class EpochRowCache {
  private epoch = -1;
  private rows: StagedSequence[] = [];

  constructor(private readonly build: (epoch: number) => StagedSequence[]) {}

  of(epoch: number): StagedSequence[] {
    if (epoch !== this.epoch) [this.epoch, this.rows] = [epoch, this.build(epoch)];
    return this.rows;
  }
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
