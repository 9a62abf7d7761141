// Coconut and the baselines of the paper's Table 1 differ in two things only: what fills the slots, and which
// stage each epoch trains. (In the reference code, CoT, no-CoT and "w/o thought" are flags that drop the markers
// and set c = 0; the pause baselines are not in the code.)
import { CoconutError, checkInteger } from './errors.js';
import type { SlotKind } from './stages.js';

/**
 * A training method of the paper's Table 1:
 * - `coconut`: continuous thoughts, stage ⌊epoch / epochsPerStage⌋;
 * - `cot`: chain of thought, stage 0 throughout (no markers);
 * - `no-cot`: question then answer, every step dropped (no markers);
 * - `pause-as-thought`: Coconut's curriculum with `<pause>` tokens in the slots instead of continuous thoughts;
 * - `no-curriculum` ("w/o curriculum"): continuous thoughts, but the last stage (every step replaced,
 *   `maxLatentStage · c` thoughts) from the first epoch;
 * - `no-thought` ("w/o thought"): Coconut's curriculum removes steps, but no slots and no markers replace them.
 */
export type CoconutMethod =
  | 'coconut'
  | 'cot'
  | 'no-cot'
  | 'pause-as-thought'
  | 'no-curriculum'
  | 'no-thought';

/** Every {@link CoconutMethod}, in the paper's order. */
export const COCONUT_METHODS: readonly CoconutMethod[] = [
  'cot',
  'no-cot',
  'coconut',
  'no-curriculum',
  'no-thought',
  'pause-as-thought',
];

// Which stage an epoch trains: the curriculum's, always 0, or always the one past maxLatentStage.
type StageSchedule = 'curriculum' | 'first' | 'last';

const TRAITS: Record<CoconutMethod, { slots: SlotKind; schedule: StageSchedule }> = {
  coconut: { slots: 'continuous', schedule: 'curriculum' },
  cot: { slots: 'none', schedule: 'first' },
  'no-cot': { slots: 'none', schedule: 'last' },
  'pause-as-thought': { slots: 'pause', schedule: 'curriculum' },
  'no-curriculum': { slots: 'continuous', schedule: 'last' },
  'no-thought': { slots: 'none', schedule: 'curriculum' },
};

/** @internal Throws unless `method` is a {@link CoconutMethod}. */
export function checkMethod(method: unknown): CoconutMethod {
  if (typeof method !== 'string' || !(method in TRAITS)) {
    throw new CoconutError(
      'INVALID_OPTION',
      'method',
      `must be one of ${COCONUT_METHODS.join(', ')} (got ${String(method)})`,
    );
  }
  return method as CoconutMethod;
}

/** What fills the slots under `method`. */
export function methodSlots(method: CoconutMethod): SlotKind {
  return TRAITS[checkMethod(method)].slots;
}

/** True when `method` walks through the stages (so that `uniformProb` stage mixing means something). */
export function isCurriculumMethod(method: CoconutMethod): boolean {
  return TRAITS[checkMethod(method)].schedule === 'curriculum';
}

/** Options of {@link scheduledStage}. */
export interface ScheduledStageOptions {
  /** The method. */
  method: CoconutMethod;
  /** 0-based epoch. */
  epoch: number;
  /** Epochs per stage (5 on ProsQA). */
  epochsPerStage: number;
  /** The last stage that replaces steps one at a time. */
  maxLatentStage: number;
}

/**
 * The stage `method` trains at `epoch`: `⌊epoch / epochsPerStage⌋` for curriculum methods (the reference code's
 * `scheduled_stage`; past `maxLatentStage` this is the all-steps-removed stage), 0 for `cot`, and
 * `maxLatentStage + 1` (every step removed) for `no-cot` and `no-curriculum`.
 *
 * @throws {CoconutError} (`INVALID_OPTION`) naming a field out of range.
 */
export function scheduledStage(options: ScheduledStageOptions): number {
  const method = checkMethod(options.method);
  const epoch = checkInteger('epoch', options.epoch, 0);
  const epochsPerStage = checkInteger('epochsPerStage', options.epochsPerStage, 1);
  const maxLatentStage = checkInteger('maxLatentStage', options.maxLatentStage, 0);
  const schedule = TRAITS[method].schedule;
  if (schedule === 'first') return 0;
  if (schedule === 'last') return maxLatentStage + 1;
  return Math.floor(epoch / epochsPerStage);
}
