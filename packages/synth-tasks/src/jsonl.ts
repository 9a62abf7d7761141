import { z } from 'zod';
import { SynthTasksError } from './errors.js';
import { TASK_NAMES, TASKS, type TaskRecord } from './tasks.js';

/** Serializes records as JSON Lines: one JSON object per line, each line ending in `\n`. */
export function toJsonl(records: Iterable<unknown>): string {
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

/** Options of {@link parseJsonl}. */
export interface ParseJsonlOptions {
  /** Name shown in error messages (a file path, usually). @default '<jsonl>' */
  source?: string;
}

const taskField = z.object({ task: z.enum(TASK_NAMES) });

/**
 * Parses and validates JSON Lines produced by {@link toJsonl}. Blank lines are skipped; anything else that
 * is not a valid record of a known task throws a BAD_DATASET error naming the source and line number.
 */
export function parseJsonl(text: string, options: ParseJsonlOptions = {}): TaskRecord[] {
  const source = options.source ?? '<jsonl>';
  const records: TaskRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const fail = (why: string): never => {
      throw new SynthTasksError('BAD_DATASET', `${source}:${i + 1}: ${why}`);
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
    const tagged = taskField.safeParse(value);
    if (!tagged.success) fail(`field "task" must be one of ${TASK_NAMES.join(', ')}`);
    const task = (tagged.data as { task: keyof typeof TASKS }).task;
    const parsed = TASKS[task].schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(`invalid ${task} record: field "${issue?.path.join('.')}" ${issue?.message}`);
    }
    records.push(parsed.data as TaskRecord);
  });
  return records;
}
