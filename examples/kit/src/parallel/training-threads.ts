import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store.js';

/**
 * How a run computed its updates' gradients, as `trainRun` records it in the run's result (`training` in
 * `results.json`, the `threads` column of `results.md`).
 */
export interface TrainingThreads {
  /** 1: this thread alone; 2: transformer-core's `DataParallel` with one worker, each thread half the batch. */
  threads: 1 | 2;
  /**
   * What chose: `--parallel off` or `on`; `auto`, timed at the start of this attempt; or `recorded`, the choice
   * an earlier attempt of this run timed, which this resumed attempt kept.
   */
  decidedBy: 'off' | 'on' | 'auto' | 'recorded';
  /** Median milliseconds of one update's gradients on one thread, when timed (`auto`, `recorded`). */
  singleMs: number | null;
  /** Median milliseconds of one update's gradients on two threads, when timed. */
  parallelMs: number | null;
}

const FILE = 'training-threads.json';

/** Stores an `auto` choice in the run's folder, for a resumed attempt to keep. */
export async function storeChoice(runDir: string, choice: TrainingThreads): Promise<void> {
  await writeFileAtomic(join(runDir, FILE), `${JSON.stringify(choice, null, 2)}\n`);
}

/** The `auto` choice an earlier attempt stored in the run's folder, or undefined when there is none. */
export async function storedChoice(runDir: string): Promise<TrainingThreads | undefined> {
  let text: string;
  try {
    text = await readFile(join(runDir, FILE), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  // A file that is not a choice (an older kit's, a hand edit) is ignored: the attempt times the paths again.
  let stored: Partial<TrainingThreads> | null;
  try {
    stored = JSON.parse(text) as Partial<TrainingThreads> | null;
  } catch {
    return undefined;
  }
  const valid =
    typeof stored === 'object' &&
    stored !== null &&
    (stored.threads === 1 || stored.threads === 2) &&
    typeof stored.singleMs === 'number' &&
    typeof stored.parallelMs === 'number';
  return valid ? (stored as TrainingThreads) : undefined;
}
