import { open, readFile, rename, rm } from 'node:fs/promises';
import { SynthTasksError } from './errors.js';
import { parseJsonl } from './jsonl.js';
import type { TaskRecord } from './tasks.js';

/** Bytes buffered before each write, so huge datasets stream instead of living in memory. */
const CHUNK = 1 << 20;

/**
 * Writes records as JSON Lines atomically: they stream into a temporary file beside `file`, which is then
 * renamed over it, so a crash or a throwing generator never leaves half a dataset at `file`.
 */
export async function writeJsonl(file: string, records: Iterable<unknown>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    let buffer = '';
    for (const record of records) {
      buffer += `${JSON.stringify(record)}\n`;
      if (buffer.length >= CHUNK) {
        await handle.write(buffer);
        buffer = '';
      }
    }
    await handle.write(buffer);
    await handle.close();
    await rename(tmp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Reads and validates a JSON Lines dataset; errors name the file and line. */
export async function readJsonl(file: string): Promise<TaskRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SynthTasksError('BAD_DATASET', `${file}: cannot read (${(error as Error).message})`);
  }
  return parseJsonl(text, { source: file });
}
