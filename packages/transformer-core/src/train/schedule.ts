import { checkInteger, checkNumber, checkOptions, InvalidTrainingArgumentError } from './errors.js';

/** A learning-rate schedule: the rate for the update with 0-based index `it` (the number of updates before it). */
export type LearningRateSchedule = (it: number) => number;

/** Options of {@link warmupCosineSchedule}, named after nanoGPT's `get_lr`. */
export interface WarmupCosineOptions {
  /** Peak learning rate, reached at the end of warmup. */
  maxLr: number;
  /**
   * Floor the cosine decays to; nanoGPT uses `maxLr / 10` (Chinchilla).
   * @default maxLr / 10
   */
  minLr?: number;
  /**
   * Updates of linear warmup from `maxLr / (warmupSteps + 1)` up to `maxLr`.
   * @default 0
   */
  warmupSteps?: number;
  /** Update index at which the cosine reaches `minLr`; later updates stay at `minLr`. Must be `>= warmupSteps`. */
  decaySteps: number;
}

/**
 * Linear warmup followed by cosine decay to `minLr` (nanoGPT's `get_lr`):
 *
 * - `it < warmupSteps`: `maxLr * (it + 1) / (warmupSteps + 1)` (never 0, so the first update moves);
 * - `warmupSteps <= it <= decaySteps`: `minLr + 0.5 * (1 + cos(pi * r)) * (maxLr - minLr)`,
 *   `r = (it - warmupSteps) / (decaySteps - warmupSteps)`;
 * - `it > decaySteps`: `minLr`.
 *
 * The schedule is a pure function of the update index, so resuming a run needs no schedule state.
 */
export function warmupCosineSchedule(options: WarmupCosineOptions): LearningRateSchedule {
  const given = checkOptions('schedule', options);
  const maxLr = checkNumber('schedule.maxLr', given.maxLr, 0);
  const minLr = checkNumber('schedule.minLr', given.minLr ?? maxLr / 10, 0, maxLr);
  const warmupSteps = checkInteger('schedule.warmupSteps', given.warmupSteps ?? 0, 0);
  const decaySteps = checkInteger('schedule.decaySteps', given.decaySteps, 0);
  if (decaySteps < warmupSteps) {
    throw new InvalidTrainingArgumentError(
      'schedule.decaySteps',
      `must be >= warmupSteps (${warmupSteps}), got ${decaySteps}`,
    );
  }
  return (it) => {
    if (it < warmupSteps) return (maxLr * (it + 1)) / (warmupSteps + 1);
    if (it > decaySteps) return minLr;
    // decaySteps === warmupSteps means no decay phase: the single update at it === warmupSteps uses maxLr.
    const ratio = decaySteps === warmupSteps ? 0 : (it - warmupSteps) / (decaySteps - warmupSteps);
    return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (maxLr - minLr);
  };
}
