// Curriculum stages, as the Coconut code's dataset builder (`get_cot_latent_dataset`) lays them out:
//
//   question  <bot>  slot × L  <eot>  step_{s+1} … step_n  answer
//
// with labels masked on everything before the first kept step. The pieces are plain token-id arrays, so the same
// layout serves training rows, inference prompts and the probe.

import { CoconutError, checkInteger } from './errors.js';
import {
  type CoconutTokens,
  checkExample,
  checkIds,
  checkNoLatent,
  checkTokens,
  type ReasoningExample,
} from './example.js';

/** Label of a position the loss ignores (question, markers, slots, padding); PyTorch's `ignore_index`. */
export const IGNORE_LABEL = -100;

/**
 * What fills the slots that stand in for removed steps:
 * - `continuous`: continuous thoughts (Coconut): `<bot>`, L latent placeholders, `<eot>`;
 * - `pause`: the pause-as-thought baseline: `<bot>`, L `<pause>` tokens (ordinary embeddings), `<eot>`;
 * - `none`: nothing, not even the markers (CoT, no-CoT and the "w/o thought" baseline): L is 0.
 */
export type SlotKind = 'continuous' | 'pause' | 'none';

/** The curriculum's shape: how many slots replace a step, and up to which stage steps are replaced one by one. */
export interface CurriculumShape {
  /**
   * Slots per replaced step (the paper's c: 1 on ProsQA and ProntoQA, 2 on GSM8k).
   * @default 1
   */
  c?: number;
  /**
   * The last stage that replaces steps one at a time (6 on ProsQA). A later stage drops every step.
   */
  maxLatentStage: number;
  /**
   * Past `maxLatentStage`, give every example `maxLatentStage · c` slots (`true`, the reference code's
   * `pad_latent_to_max`, used for every published run) or only `min(steps, maxLatentStage) · c` (`false`).
   * @default true
   */
  padLatentToMax?: boolean;
}

/** Options of {@link stageShape}. */
export interface StageShapeOptions extends CurriculumShape {
  /** The stage, an integer ≥ 0: stage 0 is plain chain of thought. */
  stage: number;
  /** Number of reasoning steps of the example. */
  stepCount: number;
  /**
   * What fills the slots; `none` means no slots at all.
   * @default 'continuous'
   */
  slots?: SlotKind;
}

/** How one stage lays out one example. */
export interface StageShape {
  /** Leading steps removed (all of them when this is ≥ the step count). */
  removedSteps: number;
  /** Slots between the markers (0 for `slots: 'none'`). */
  slotCount: number;
}

/**
 * The reference code's stage arithmetic. For `stage ≤ maxLatentStage`: remove `stage` steps and insert
 * `stage · c` slots, *not* capped by the step count (an example with fewer steps than the stage loses all its
 * steps and still gets `stage · c` slots). For `stage > maxLatentStage`: remove every step and insert
 * `maxLatentStage · c` slots (`padLatentToMax`), or `min(stepCount, maxLatentStage) · c`.
 *
 * @throws {CoconutError} (`INVALID_OPTION`) naming a field that is not a non-negative integer.
 */
export function stageShape(options: StageShapeOptions): StageShape {
  const stage = checkInteger('stage', options.stage, 0);
  const stepCount = checkInteger('stepCount', options.stepCount, 0);
  const { c, maxLatentStage, padLatentToMax } = checkShape(options);
  const perStep = (options.slots ?? 'continuous') === 'none' ? 0 : c;
  if (stage <= maxLatentStage) return { removedSteps: stage, slotCount: stage * perStep };
  const stages = padLatentToMax ? maxLatentStage : Math.min(stepCount, maxLatentStage);
  return { removedSteps: stepCount, slotCount: stages * perStep };
}

/** Options of {@link thoughtPrompt}. */
export interface ThoughtPromptOptions {
  /** Question tokens. */
  question: number[];
  /** Number of slots after `<bot>` (must be 0 with `slots: 'none'`). */
  slotCount: number;
  /**
   * What fills the slots.
   * @default 'continuous'
   */
  slots?: SlotKind;
  /** Special token ids (`pause` is needed for pause slots). */
  tokens: CoconutTokens;
}

/**
 * The input up to and including `<eot>`: `question <bot> slot×L <eot>`, or the question alone for `slots: 'none'`.
 * This is a training row's unsupervised prefix and, at inference, the prompt the model continues.
 *
 * @throws {CoconutError} for ids that are not token ids, or slots without the tokens they need.
 */
export function thoughtPrompt(options: ThoughtPromptOptions): number[] {
  return promptOf(options, 'question');
}

/** @internal {@link thoughtPrompt}, naming the question `questionField` in errors (e.g. `questions[3]`). */
export function promptOf(options: ThoughtPromptOptions, questionField: string): number[] {
  const slots = options.slots ?? 'continuous';
  const tokens = checkTokens(options.tokens, slots === 'pause');
  const question = checkIds(questionField, options.question, true);
  checkNoLatent(questionField, question, tokens.latent);
  const slotCount = checkInteger('slotCount', options.slotCount, 0);
  if (slots === 'none') {
    if (slotCount > 0) {
      throw new CoconutError(
        'INVALID_OPTION',
        'slotCount',
        `must be 0 with slots: 'none' (got ${slotCount})`,
      );
    }
    return [...question];
  }
  const slot = slots === 'pause' ? (tokens.pause as number) : tokens.latent;
  return [...question, tokens.bot, ...new Array<number>(slotCount).fill(slot), tokens.eot];
}

/** Options of {@link stageExample}. */
export interface StageExampleOptions extends CurriculumShape {
  /** The example to lay out. */
  example: ReasoningExample;
  /** The stage, an integer ≥ 0: stage 0 is plain chain of thought. */
  stage: number;
  /**
   * What fills the slots.
   * @default 'continuous'
   */
  slots?: SlotKind;
  /** Special token ids. */
  tokens: CoconutTokens;
}

/** One example laid out for one stage, ready for {@link collate}. */
export interface StagedSequence {
  /** Input token ids: prompt (question, markers, slots), kept steps, answer. */
  ids: number[];
  /**
   * Targets aligned with `ids`, as in Hugging Face: `labels[t]` is what the prediction made at position `t - 1`
   * is scored against. {@link IGNORE_LABEL} on the question, `<bot>`, the slots and `<eot>`; the kept steps and the
   * answer are their own labels. So the first supervised prediction is made *at* `<eot>`, and `<eot>` itself is
   * never a target: it is always given.
   */
  labels: number[];
  /** The stage this row was built for. */
  stage: number;
  /** Slots between the markers. */
  slotCount: number;
  /** Leading steps removed. */
  removedSteps: number;
}

/**
 * Lays out one example for one stage (see {@link stageShape} for the arithmetic and {@link thoughtPrompt} for the
 * prefix): `question <bot> slot×L <eot> step_{k+1} … step_n answer`, labels masked up to and including `<eot>`.
 *
 * @throws {CoconutError} for a malformed example or options.
 */
export function stageExample(options: StageExampleOptions): StagedSequence {
  const example = checkExample(options.example, 'example', checkTokens(options.tokens, false).latent);
  const shape = stageShape({ ...options, stepCount: example.steps.length });
  const prompt = promptOf(
    { ...options, question: example.question, slotCount: shape.slotCount },
    'example.question',
  );
  const supervised = [...example.steps.slice(shape.removedSteps).flat(), ...example.answer];
  return {
    ids: [...prompt, ...supervised],
    labels: [...new Array<number>(prompt.length).fill(IGNORE_LABEL), ...supervised],
    stage: options.stage,
    slotCount: shape.slotCount,
    removedSteps: Math.min(shape.removedSteps, example.steps.length),
  };
}

/** @internal The validated shape with defaults filled. */
export function checkShape(shape: CurriculumShape): Required<CurriculumShape> {
  return {
    c: checkInteger('c', shape.c ?? 1, 1),
    maxLatentStage: checkInteger('maxLatentStage', shape.maxLatentStage, 0),
    padLatentToMax: shape.padLatentToMax ?? true,
  };
}
