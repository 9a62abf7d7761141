import { readFile } from 'node:fs/promises';
import { SynthTasksError } from '../errors.js';
import type { ProsQARecord } from './record.js';
import { type ProsQASplit, parseReleasedProsQA } from './released.js';

/** Options of {@link readReleasedProsQA}. */
export interface ReadReleasedProsQAOptions {
  /** Path of a released file, e.g. `coconut/data/prosqa_test.json`. */
  file: string;
  /**
   * The split the records belong to.
   * @default read from the file name `prosqa_<train|valid|test>.json`
   */
  split?: ProsQASplit;
}

/** Reads and validates a released ProsQA file (Node only); see {@link parseReleasedProsQA}. */
export async function readReleasedProsQA(options: ReadReleasedProsQAOptions): Promise<ProsQARecord[]> {
  const { file, split } = options;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SynthTasksError('BAD_DATASET', `${file}: cannot read (${(error as Error).message})`);
  }
  return parseReleasedProsQA({ text, source: file, split });
}
