import { SynthTasksError } from './errors.js';
import type { Split } from './options.js';
import { hashFraction, Rng } from './random.js';

/** Validated options shared by every generator. */
export interface DriverOptions {
  seed: number | string;
  count: number;
  split: Split;
  testFraction: number;
}

/** How many draws one record may take before the generator gives up (tiny question spaces). */
const MAX_ATTEMPTS = 10_000;

/**
 * Gives up early on options that (almost) never yield a record: if none of the first `draws` draws is valid,
 * generation fails with `why` instead of grinding through {@link MAX_ATTEMPTS} expensive draws per record.
 */
export interface FeasibilityProbe {
  /** Draws allowed before the first valid one. */
  draws: number;
  /** What to tell the caller, after "`task`: ". */
  why: string;
}

/**
 * Draws `count` records from one task: each draw comes from one seeded stream per (task, seed, split), and a
 * draw is kept only if its split key hashes into the requested split. `draw` returns undefined to reject a
 * draw (e.g. a ProsQA graph with no valid target).
 */
export function* drawRecords<R>(
  task: string,
  options: DriverOptions,
  draw: (rng: Rng, split: Split) => R | undefined,
  splitKey: (record: R) => string,
  probe?: FeasibilityProbe,
): Generator<R> {
  const rng = new Rng(`${task}/${options.split}/${typeof options.seed}:${options.seed}`);
  let invalidBeforeFirstValid = 0;
  let seenValid = false;
  for (let i = 0; i < options.count; i++) {
    let attempts = 0;
    for (;;) {
      if (++attempts > MAX_ATTEMPTS) {
        throw new SynthTasksError(
          'GENERATION_FAILED',
          `${task}: no valid ${options.split} record after ${MAX_ATTEMPTS} draws; the options leave too few ` +
            'questions in this split (widen the sizes or change testFraction)',
        );
      }
      const record = draw(rng, options.split);
      if (record === undefined) {
        if (!seenValid && probe && ++invalidBeforeFirstValid >= probe.draws) {
          throw new SynthTasksError('GENERATION_FAILED', `${task}: ${probe.why}`);
        }
        continue;
      }
      seenValid = true;
      const inTest = hashFraction(`${task}:${splitKey(record)}`) < options.testFraction;
      if (inTest === (options.split === 'test')) {
        yield record;
        break;
      }
    }
  }
}
