import { KitError } from '../errors.js';
import { median } from '../stats.js';

/**
 * `--parallel`: how a run that offers data-parallel training computes its updates' gradients. `off`: on this
 * thread; `on`: with transformer-core's `DataParallel` (this thread and one worker, each half the batch); `auto`:
 * whichever {@link chooseThreads} finds faster on this machine at the start of the run.
 */
export type ParallelMode = 'auto' | 'on' | 'off';

/** Every {@link ParallelMode}, for the command line. */
export const PARALLEL_MODES: readonly ParallelMode[] = ['auto', 'on', 'off'];

/**
 * The rule of `--parallel auto`: each path computes the gradients of the run's first update `warmup` times
 * untimed (the first calls compile and allocate), then `timed` times each, alternating so that a change in the
 * machine's load hits both; two threads are chosen when the median of their times is at most `1 − minSpeedup`
 * times the median on one thread.
 */
export const AUTO_RULE = { warmup: 1, timed: 3, minSpeedup: 0.1 } as const;

/** Milliseconds of each timed computation of one update's gradients, per path. */
export interface GradientTimings {
  /** On this thread (the app's own gradients). */
  single: readonly number[];
  /** With `DataParallel`: this thread and one worker. */
  parallel: readonly number[];
}

/** What {@link chooseThreads} decided, from which medians. */
export interface ThreadChoice {
  /** 1: this thread alone; 2: `DataParallel` with one worker. */
  threads: 1 | 2;
  /** Median milliseconds of one update's gradients on one thread. */
  singleMs: number;
  /** Median milliseconds of one update's gradients on two threads. */
  parallelMs: number;
}

/**
 * The `--parallel auto` decision ({@link AUTO_RULE}): two threads when the median of `parallel` is at most
 * `(1 − AUTO_RULE.minSpeedup)` × the median of `single` (two threads at least 10 % faster), else one. A pure
 * function of the timings.
 *
 * @throws {KitError} (`INVALID_ARGUMENT`) when a path has no timings or one that is not a finite number ≥ 0.
 */
export function chooseThreads(timings: GradientTimings): ThreadChoice {
  for (const path of ['single', 'parallel'] as const) {
    const values = timings[path];
    if (values.length === 0 || values.some((ms) => !Number.isFinite(ms) || ms < 0)) {
      throw new KitError(
        'INVALID_ARGUMENT',
        `timings.${path}`,
        `expected at least one finite time ≥ 0 in ms, got [${values.join(', ')}]`,
      );
    }
  }
  const singleMs = median(timings.single);
  const parallelMs = median(timings.parallel);
  const threads = parallelMs <= (1 - AUTO_RULE.minSpeedup) * singleMs ? 2 : 1;
  return { threads, singleMs, parallelMs };
}
