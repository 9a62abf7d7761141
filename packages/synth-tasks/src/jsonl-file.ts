import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SynthTasksError } from './errors.js';
import { parseJsonl } from './jsonl.js';
import type { TaskRecord } from './tasks.js';

/** Bytes buffered before each write, so huge datasets stream instead of living in memory. */
const CHUNK = 1 << 20;

/** The system's reason (ENOENT, EACCES, …) without the temporary path the caller never named. */
const reason = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

/**
 * Throws an IO_ERROR naming `file` unless it can be written: its folder exists and it is not itself a folder.
 * Checked before any record is generated, so a typo in a path costs nothing.
 */
export async function checkWritable(file: string): Promise<void> {
  const [folder, target] = await Promise.all([
    stat(dirname(file)).catch(() => undefined),
    stat(file).catch(() => undefined),
  ]);
  if (!folder?.isDirectory()) {
    throw new SynthTasksError('IO_ERROR', `${file}: the folder ${dirname(file)} does not exist`);
  }
  if (target?.isDirectory()) throw new SynthTasksError('IO_ERROR', `${file}: is a folder, not a file`);
}

/**
 * Writes records as JSON Lines atomically: they stream into a temporary file beside `file`, which is then
 * renamed over it, so a crash or a throwing generator never leaves half a dataset at `file`. File-system
 * failures throw an IO_ERROR naming `file`; errors of the records' generator pass through unchanged.
 */
export async function writeJsonl(file: string, records: Iterable<unknown>): Promise<void> {
  await checkWritable(file);
  const io = <T>(operation: Promise<T>) =>
    operation.catch((error: unknown) => {
      throw new SynthTasksError('IO_ERROR', `${file}: cannot be written (${reason(error)})`, {
        cause: error,
      });
    });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await io(open(tmp, 'w'));
  try {
    let buffer = '';
    for (const record of records) {
      buffer += `${JSON.stringify(record)}\n`;
      if (buffer.length >= CHUNK) {
        await io(handle.write(buffer));
        buffer = '';
      }
    }
    await io(handle.write(buffer));
    await io(handle.close());
    await io(rename(tmp, file));
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
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SynthTasksError(
      'IO_ERROR',
      `${file}: ${missing ? 'no such file' : `cannot be read (${reason(error)})`}`,
    );
  }
  return parseJsonl(text, { source: file });
}
