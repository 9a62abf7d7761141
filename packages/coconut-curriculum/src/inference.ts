// Inference as in the reference code: the question, `<bot>`, a fixed number of thoughts and `<eot>` form the
// prompt (the model never decides when to stop thinking, and never generates `<eot>`), then greedy decoding.
import { generate, leftPad, type TransformerModel } from '@beyond-ntp/transformer-core';
import { continuousForward } from './continuous-forward.js';
import { CoconutError, checkInteger } from './errors.js';
import type { CoconutTokens } from './example.js';
import { type CoconutMethod, methodSlots } from './methods.js';
import { promptOf, type SlotKind } from './stages.js';

/**
 * The answer rule of the reference code: the text after the last `#` (all of it when there is none), with
 * commas removed and surrounding whitespace trimmed; it is compared to the gold answer by exact match. For ProsQA
 * output `"…\n### Tom is a lempus."` this gives `"Tom is a lempus."`, the released files' `answer` field.
 */
export function coconutAnswer(text: string): string {
  return (text.split('#').at(-1) ?? '').replaceAll(',', '').trim();
}

/** Options of {@link inferenceLayout}. */
export interface InferenceLayoutOptions {
  /** The method the model was trained with. */
  method: CoconutMethod;
  /** Slots per replaced step (c). @default 1 */
  c?: number;
  /** The curriculum's last step-replacing stage. */
  maxLatentStage: number;
  /**
   * The stage to evaluate at (the reference code evaluates each epoch at the scheduled stage).
   * @default the final stage: `maxLatentStage`
   */
  stage?: number;
}

/** The prompt layout of {@link inferenceLayout}: the options {@link generateWithThoughts} takes for it. */
export interface InferenceLayout {
  /** What fills the slots. */
  slots: SlotKind;
  /** Slots between `<bot>` and `<eot>` (0 without markers). */
  thoughts: number;
}

/**
 * The prompt layout the reference code evaluates `method` with: `min(stage, maxLatentStage) · c` slots (6 on
 * every task at the final stage) between the markers for Coconut, "w/o curriculum" and pause-as-thought; no slots
 * and no markers for CoT, no-CoT and "w/o thought".
 */
export function inferenceLayout(options: InferenceLayoutOptions): InferenceLayout {
  const slots = methodSlots(options.method);
  const c = checkInteger('c', options.c ?? 1, 1);
  const maxLatentStage = checkInteger('maxLatentStage', options.maxLatentStage, 0);
  const stage = checkInteger('stage', options.stage ?? maxLatentStage, 0);
  return { slots, thoughts: slots === 'none' ? 0 : Math.min(stage, maxLatentStage) * c };
}

/** Options of {@link generateWithThoughts}. */
export interface GenerateWithThoughtsOptions {
  /** Question tokens, one array per question. */
  questions: number[][];
  /** Special token ids. */
  tokens: CoconutTokens;
  /** Slots between `<bot>` and `<eot>` (0 with `slots: 'none'`). */
  thoughts: number;
  /**
   * What fills the slots (see {@link inferenceLayout} for a method's).
   * @default 'continuous'
   */
  slots?: SlotKind;
  /** Most tokens to generate after the prompt (the reference code: 128, 64 on GSM8k). */
  maxNewTokens: number;
  /**
   * Tokens that end a row's generation, e.g. end-of-sequence; not part of the returned tokens.
   * @default []
   */
  stopTokens?: number[];
  /**
   * Questions decoded together (left-padded into one batch).
   * @default all of them
   */
  batchSize?: number;
  /** Turns generated ids into text; with it, results carry `text` and `answer`. */
  decode?: (ids: number[]) => string;
  /**
   * Extracts the answer from the decoded text.
   * @default coconutAnswer (the reference code's rule, which ProsQA, ProntoQA and GSM8k share)
   */
  parseAnswer?: (text: string) => string;
}

/** One question's result from {@link generateWithThoughts}. */
export interface ThoughtGeneration {
  /** Generated tokens, the stop token excluded. */
  tokens: number[];
  /** True when a stop token ended the generation (false when `maxNewTokens` did). */
  stopped: boolean;
  /** Continuous thoughts in the prompt (pause tokens do not count). */
  thoughts: number;
  /**
   * Generated tokens as the paper counts them: continuous thoughts plus generated language tokens, markers,
   * pause tokens and the stop token not counted (Coconut's 14.2 on ProsQA is no-CoT's 8.2 plus 6 thoughts).
   */
  generatedTokens: number;
  /** `decode(tokens)`, when `decode` was given. */
  text?: string;
  /** `parseAnswer(text)`, when `decode` was given. */
  answer?: string;
}

/**
 * Answers questions with a fixed number of thoughts and greedy decoding: the thoughts are computed by the
 * KV-cached continuous forward (n + 1 passes, the last over `<eot>` only), then transformer-core's `generate`
 * continues the prompt embeddings with temperature 0 (ties: the lowest id, as `argmax`). Leaves
 * `tf.memory().numTensors` unchanged.
 *
 * @throws {CoconutError} for invalid questions or options; `ModelError` when prompt + `maxNewTokens` outgrow the
 * model's context.
 */
export function generateWithThoughts(
  model: TransformerModel,
  options: GenerateWithThoughtsOptions,
): ThoughtGeneration[] {
  const {
    questions,
    tokens,
    slots = 'continuous',
    stopTokens = [],
    decode,
    parseAnswer = coconutAnswer,
  } = options;
  const thoughts = checkInteger('thoughts', options.thoughts, 0);
  const maxNewTokens = checkInteger('maxNewTokens', options.maxNewTokens, 1);
  if (!Array.isArray(questions) || questions.length === 0) {
    throw new CoconutError('INVALID_OPTION', 'questions', 'must hold at least one question');
  }
  const batchSize = checkInteger('batchSize', options.batchSize ?? questions.length, 1);
  const prompts = questions.map((question, i) =>
    promptOf({ question, slotCount: thoughts, slots, tokens }, `questions[${i}]`),
  );
  const stop = new Set(stopTokens);
  const results: ThoughtGeneration[] = [];
  for (let from = 0; from < prompts.length; from += batchSize) {
    const rows = decodeGreedy(model, prompts.slice(from, from + batchSize), {
      continuous: slots === 'continuous' && thoughts > 0,
      tokens,
      maxNewTokens,
      stopTokens,
    });
    for (const row of rows) {
      const stopped = row.length > 0 && stop.has(row.at(-1) as number);
      const generated = stopped ? row.slice(0, -1) : row;
      const counted = slots === 'continuous' ? thoughts : 0;
      const result: ThoughtGeneration = {
        tokens: generated,
        stopped,
        thoughts: counted,
        generatedTokens: counted + generated.length,
      };
      if (decode) {
        result.text = decode(generated);
        result.answer = parseAnswer(result.text);
      }
      results.push(result);
    }
  }
  return results;
}

// Greedy continuation of a batch of prompts; with continuous thoughts, of their embeddings.
function decodeGreedy(
  model: TransformerModel,
  prompts: number[][],
  options: { continuous: boolean; tokens: CoconutTokens; maxNewTokens: number; stopTokens: number[] },
): number[][] {
  const { continuous, tokens, maxNewTokens, stopTokens } = options;
  const decoding = { maxNewTokens, stopTokens, temperature: 0 };
  if (!continuous) return generate(model, prompts, decoding);
  // Equal thought counts and a prompt that ends at <eot>: aligning the first latents is left padding.
  const batch = leftPad(prompts, { padId: tokens.pad ?? 0 });
  const { inputsEmbeds, logits, thoughts } = continuousForward(model, batch, { latent: tokens.latent });
  logits.dispose();
  thoughts.dispose();
  try {
    return generate(model, { inputsEmbeds, attentionMask: batch.attentionMask }, decoding);
  } finally {
    inputsEmbeds.dispose();
  }
}
