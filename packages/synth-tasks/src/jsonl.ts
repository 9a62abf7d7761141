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
  /**
   * Recompute each record's answer with its task's solver (arithmetic, polynomial, ProsQA, ProntoQA,
   * multilabel) and check ProsQA graphs (acyclic, target reachable from the entity, the other option not),
   * rejecting a record whose content is wrong. Turn off only for files you wrote yourself and trust.
   * @default true
   */
  verify?: boolean;
}

const taskField = z.object({ task: z.enum(TASK_NAMES) });

/**
 * Parses and validates JSON Lines produced by {@link toJsonl}. A leading UTF-8 byte order mark and blank lines
 * are skipped; anything else that is not a valid record of a known task, with content that checks out (see
 * {@link ParseJsonlOptions.verify}), throws a BAD_DATASET error naming the source and line number.
 */
export function parseJsonl(text: string, options: ParseJsonlOptions = {}): TaskRecord[] {
  const source = options.source ?? '<jsonl>';
  const verify = options.verify ?? true;
  const records: TaskRecord[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  body.split('\n').forEach((line, i) => {
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
    const record = parsed.data as TaskRecord;
    const problem = verify
      ? (TASKS[task].verify as (r: TaskRecord) => string | undefined)(record)
      : undefined;
    if (problem !== undefined) fail(`wrong ${task} record: ${problem}`);
    records.push(record);
  });
  return records;
}
