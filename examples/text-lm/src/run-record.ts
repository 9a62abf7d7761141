import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KitError, writeFileAtomic } from '@beyond-ntp-examples/kit';
import type { ModelShape, TokenizerChoice, TrainingPlan } from './cli.js';

/** What makes a run: stored as `run.json` in its directory before the first step, checked on every rerun. */
export interface RunRecord {
  /** Format of this file. */
  version: 1;
  /** The training text: where it was read from (informative), and its size and hash (checked). */
  text: { path: string; characters: number; sha256: string };
  tokenizer: TokenizerChoice;
  model: ModelShape;
  plan: TrainingPlan;
}

/** The record's file in a run directory. */
export const runRecordFile = (dir: string) => join(dir, 'run.json');

/** The run's record, or undefined when the directory has none. */
export async function readRunRecord(dir: string): Promise<RunRecord | undefined> {
  const file = runRecordFile(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(text) as RunRecord;
    if (record.version !== 1) throw new Error(`version ${String(record.version)}, expected 1`);
    return record;
  } catch (error) {
    throw new KitError(
      'STALE_RUN',
      file,
      `cannot be read (${(error as Error).message}); pass --fresh to start over`,
    );
  }
}

/** Writes the record atomically. */
export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(runRecordFile(dir), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The settings in which two records differ, as `field: stored → now` (the text's path is not compared: the same
 * text moved elsewhere is the same run).
 */
export function recordDifferences(stored: RunRecord, now: RunRecord): string[] {
  const flat = (record: RunRecord) =>
    flatten({
      'text.characters': record.text.characters,
      'text.sha256': record.text.sha256,
      tokenizer: record.tokenizer,
      model: record.model,
      plan: record.plan,
    });
  const before = flat(stored);
  const after = flat(now);
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  return keys
    .filter((key) => before.get(key) !== after.get(key))
    .map((key) => `${key}: ${before.get(key) ?? 'unset'} → ${after.get(key) ?? 'unset'}`);
}

function flatten(value: Record<string, unknown>, prefix = '', into = new Map<string, string>()) {
  for (const [key, item] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (item !== null && typeof item === 'object') flatten(item as Record<string, unknown>, path, into);
    else into.set(path, JSON.stringify(item));
  }
  return into;
}
