import type { ReasoningExample } from '@beyond-ntp/coconut-curriculum';
import { generateProsQA, type ProsQARecord } from '@beyond-ntp/synth-tasks';
import { type WordTokenizer, wordTokenizer } from './words.js';

/** Which ProsQA questions a run trains and is tested on (the same for every condition and seed). */
export interface TaskPlan {
  /** Nodes N drawn by Algorithm 1 (synth-tasks' `minNodes = maxNodes`; unpicked persons are dropped after). */
  nodes: number;
  /** Fewest reasoning steps (root-to-target distance). */
  minSteps: number;
  /** Most reasoning steps. */
  maxSteps: number;
  /** Training questions. */
  trainCount: number;
  /** Held-out questions (synth-tasks' test split: never a training question). */
  testCount: number;
}

/** A plan's data: records, their token ids, and the tokenizer. */
export interface ProsQATask {
  /** Training records. */
  train: ProsQARecord[];
  /** Held-out records. */
  test: ProsQARecord[];
  /** Training records as token ids, laid out as the reference code lays them out. */
  examples: ReasoningExample[];
  /** The word tokenizer built from both splits. */
  tokenizer: WordTokenizer;
  /** Longest question of either split, in tokens (with its line break). */
  maxQuestion: number;
  /** Longest steps + answer + end of sequence of either split, in tokens: what a chain of thought generates. */
  maxAfter: number;
}

const cache = new Map<string, ProsQATask>();

/**
 * Generates (once per process) the plan's ProsQA questions with synth-tasks' `released` construction at
 * `nodes` nodes, and encodes them as the reference code does: `question\n`, each `step\n`, `### answer`, end of
 * sequence.
 */
export function prosqaTask(plan: TaskPlan): ProsQATask {
  const key = JSON.stringify(plan);
  const found = cache.get(key);
  if (found) return found;
  const options = {
    minNodes: plan.nodes,
    maxNodes: plan.nodes,
    minSteps: plan.minSteps,
    maxSteps: plan.maxSteps,
  };
  const train = generateProsQA({
    ...options,
    seed: 'coconut-prosqa',
    count: plan.trainCount,
    split: 'train',
  });
  const test = generateProsQA({ ...options, seed: 'coconut-prosqa', count: plan.testCount, split: 'test' });
  const texts = [...train, ...test].flatMap((r) => [r.question, ...r.steps, r.answer]);
  const tokenizer = wordTokenizer([...texts, '###']);
  const examples = train.map((record) => encodeRecord(record, tokenizer));
  const all = [...examples, ...test.map((record) => encodeRecord(record, tokenizer))];
  const maxQuestion = Math.max(...all.map((e) => e.question.length));
  const maxAfter = Math.max(...all.map((e) => e.steps.reduce((n, s) => n + s.length, 0) + e.answer.length));
  const task = { train, test, examples, tokenizer, maxQuestion, maxAfter };
  cache.set(key, task);
  return task;
}

/** A record's token ids: `question\n`, each `step\n`, `### answer` and end of sequence. */
export function encodeRecord(record: ProsQARecord, tokenizer: WordTokenizer): ReasoningExample {
  return {
    question: tokenizer.encode(`${record.question}\n`),
    steps: record.steps.map((step) => tokenizer.encode(`${step}\n`)),
    answer: [...tokenizer.encode(`### ${record.answer}`), tokenizer.eos],
  };
}

/** Share of records by step count, e.g. `{ 3: 0.8, 4: 0.2 }`. */
export function stepShares(records: readonly ProsQARecord[]): Record<number, number> {
  const shares: Record<number, number> = {};
  for (const r of records) shares[r.steps.length] = (shares[r.steps.length] ?? 0) + 1 / records.length;
  return shares;
}
