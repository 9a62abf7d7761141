import {
  type CoconutMethod,
  generateWithThoughts,
  inferenceLayout,
  type ThoughtGeneration,
} from '@beyond-ntp/coconut-curriculum';
import { classifyProsQAPath, type ProsQARecord, parseReasoningOutput } from '@beyond-ntp/synth-tasks';
import type { TransformerModel } from '@beyond-ntp/transformer-core';
import { encodeRecord } from './task.js';
import type { WordTokenizer } from './words.js';

/** Held-out metrics of one model. */
export interface Evaluation extends Record<string, number> {
  /** Share of questions whose answer (the text after the last `#`) is exactly the gold answer. */
  accuracy: number;
  /** Mean generated tokens as the paper counts them: continuous thoughts plus language tokens, markers not. */
  tokens: number;
  /** Share of outputs whose written steps form a valid path from the root to the target (shortest or longer). */
  validPath: number;
  /** Share of outputs whose written steps form a shortest path from the root to the target. */
  shortestPath: number;
  /** Share of outputs that stopped (end of sequence) within the token limit. */
  stopped: number;
}

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  /** The trained model. */
  model: TransformerModel;
  /** The method it was trained with (decides the prompt: thoughts or none). */
  method: CoconutMethod;
  /** The curriculum's last step-replacing stage: Coconut-style methods think `maxLatentStage` thoughts. */
  maxLatentStage: number;
  /** Held-out questions. */
  records: readonly ProsQARecord[];
  /** The tokenizer the model was trained with. */
  tokenizer: WordTokenizer;
  /** Most tokens to generate (enough for the longest chain of thought plus the answer). */
  maxNewTokens: number;
  /** Questions decoded together. */
  batchSize: number;
}

/**
 * Greedy answers to the held-out questions at the final stage (`inferenceLayout`: `maxLatentStage` thoughts for
 * Coconut and w/o curriculum, none for CoT, no-CoT and w/o thought), scored by the reference answer rule. Written
 * steps, when there are any, are classified with synth-tasks' `classifyProsQAPath` from the question's graph.
 */
export function evaluateModel(options: EvaluateOptions): Evaluation {
  const { model, method, maxLatentStage, records, tokenizer, maxNewTokens, batchSize } = options;
  const generations = generateWithThoughts(model, {
    questions: records.map((r) => encodeRecord(r, tokenizer).question),
    tokens: tokenizer.tokens,
    ...inferenceLayout({ method, maxLatentStage }),
    maxNewTokens,
    stopTokens: [tokenizer.eos],
    batchSize,
    decode: (ids) => tokenizer.decode(ids),
  });
  return scoreGenerations(records, generations);
}

/**
 * Scores generations against their records: the answer rule's exact match, the paper's token count, and the
 * class `classifyProsQAPath` gives the written steps (a valid path is a shortest or a longer one to the target).
 */
export function scoreGenerations(
  records: readonly ProsQARecord[],
  generations: readonly Pick<ThoughtGeneration, 'generatedTokens' | 'stopped' | 'text' | 'answer'>[],
): Evaluation {
  let correct = 0;
  let tokens = 0;
  let valid = 0;
  let shortest = 0;
  let stopped = 0;
  for (const [i, generation] of generations.entries()) {
    const record = records[i] as ProsQARecord;
    if (generation.answer === record.answer) correct++;
    tokens += generation.generatedTokens;
    if (generation.stopped) stopped++;
    const { steps, answer } = parseReasoningOutput(generation.text ?? '');
    const kind = classifyProsQAPath({ record, steps, answer });
    if (kind === 'correct_path') shortest++;
    if (kind === 'correct_path' || kind === 'longer_path') valid++;
  }
  const n = records.length;
  return {
    accuracy: correct / n,
    tokens: tokens / n,
    validPath: valid / n,
    shortestPath: shortest / n,
    stopped: stopped / n,
  };
}
