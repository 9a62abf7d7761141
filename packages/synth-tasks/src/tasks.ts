import type { z } from 'zod';
import { arithmeticRecords } from './arithmetic/generate.js';
import { type ArithmeticRecord, arithmeticRecordSchema } from './arithmetic/record.js';
import { type ArithmeticStats, arithmeticStats } from './arithmetic/stats.js';
import { SynthTasksError } from './errors.js';
import { inductionRecords } from './induction/generate.js';
import { type InductionRecord, inductionRecordSchema } from './induction/record.js';
import { type InductionStats, inductionStats } from './induction/stats.js';
import { multilabelRecords } from './multilabel/generate.js';
import { type MultilabelRecord, multilabelRecordSchema } from './multilabel/record.js';
import { type MultilabelStats, multilabelStats } from './multilabel/stats.js';
import { polynomialRecords } from './polynomial/generate.js';
import { type PolynomialRecord, polynomialRecordSchema } from './polynomial/record.js';
import { type PolynomialStats, polynomialStats } from './polynomial/stats.js';
import { prontoqaRecords } from './prontoqa/generate.js';
import { type ProntoQARecord, prontoqaRecordSchema } from './prontoqa/record.js';
import { type ProntoQAStats, prontoqaStats } from './prontoqa/stats.js';
import { prosqaRecords } from './prosqa/generate.js';
import { type ProsQARecord, prosqaRecordSchema } from './prosqa/record.js';
import { type ProsQAStats, prosqaStats } from './prosqa/stats.js';
import {
  type Verify,
  verifyArithmetic,
  verifyInduction,
  verifyMultilabel,
  verifyPolynomial,
  verifyProntoQA,
  verifyProsQA,
} from './verify.js';

/** Any record produced by this package; `task` tells which. */
export type TaskRecord =
  | ArithmeticRecord
  | InductionRecord
  | MultilabelRecord
  | PolynomialRecord
  | ProntoQARecord
  | ProsQARecord;

/** Statistics of a dataset of any task (see each task's `…Stats` function). */
export type DatasetStats =
  | ArithmeticStats
  | InductionStats
  | MultilabelStats
  | PolynomialStats
  | ProntoQAStats
  | ProsQAStats;

/** Name of a task. */
export type TaskName = TaskRecord['task'];

/** A task's lazy generator, taking its options untyped: they are validated by the task's zod schema. */
type Records<R> = (options: object) => Generator<R>;
const untyped = <O, R>(records: (options: O) => Generator<R>) => records as unknown as Records<R>;

interface TaskDefinition<R extends TaskRecord> {
  /** Validates options, then yields records lazily. */
  records: Records<R>;
  schema: z.ZodType<R>;
  stats(records: readonly R[]): DatasetStats;
  /** What is wrong with the record's content (its answer recomputed), or undefined. */
  verify: Verify<R>;
  /** The record as one training text. */
  text(record: R): string;
}

const withSteps = (r: { question: string; steps: string[]; answer: string }) =>
  `${r.question}\n${r.steps.join('\n')}\n### ${r.answer}`;

/** Everything the CLI and JSONL import need per task, in one table. */
export const TASKS: { [K in TaskName]: TaskDefinition<Extract<TaskRecord, { task: K }>> } = {
  arithmetic: {
    records: untyped(arithmeticRecords),
    schema: arithmeticRecordSchema,
    stats: arithmeticStats,
    verify: verifyArithmetic,
    text: (r) => r.prompt + r.answer,
  },
  induction: {
    records: untyped(inductionRecords),
    schema: inductionRecordSchema,
    stats: inductionStats,
    verify: verifyInduction,
    text: (r) => r.text,
  },
  multilabel: {
    records: untyped(multilabelRecords),
    schema: multilabelRecordSchema,
    stats: multilabelStats,
    verify: verifyMultilabel,
    text: (r) => `${r.text}\nLabels: ${r.labels.join(', ')}`,
  },
  polynomial: {
    records: untyped(polynomialRecords),
    schema: polynomialRecordSchema,
    stats: polynomialStats,
    verify: verifyPolynomial,
    text: (r) => r.prompt + r.answer,
  },
  prontoqa: {
    records: untyped(prontoqaRecords),
    schema: prontoqaRecordSchema,
    stats: prontoqaStats,
    verify: verifyProntoQA,
    text: withSteps,
  },
  prosqa: {
    records: untyped(prosqaRecords),
    schema: prosqaRecordSchema,
    stats: prosqaStats,
    verify: verifyProsQA,
    text: withSteps,
  },
};

/** All task names, sorted. */
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/**
 * One record as a single training text: `prompt + answer` for arithmetic and polynomial, the story for
 * induction, `text\nLabels: a, b` for multilabel, and Coconut's `question\nstep\n…\n### answer` for
 * ProsQA and ProntoQA.
 */
export function recordText(record: TaskRecord): string {
  return (TASKS[record.task].text as (r: TaskRecord) => string)(record);
}

/**
 * Statistics of a dataset of one task (the task is read from the first record); throws INVALID_OPTIONS for
 * an empty or mixed dataset, whose statistics would be meaningless.
 */
export function datasetStats(records: readonly TaskRecord[]): DatasetStats {
  const task = records[0]?.task;
  if (task === undefined || records.some((r) => r.task !== task)) {
    throw new SynthTasksError(
      'INVALID_OPTIONS',
      `datasetStats: need a non-empty dataset of one task, got ${records.length ? 'mixed tasks' : 'no records'}`,
    );
  }
  return (TASKS[task].stats as (r: readonly TaskRecord[]) => DatasetStats)(records);
}
