import { generateInduction, Rng } from '@beyond-ntp/synth-tasks';
import { createCharTokenizer, type Tokenizer } from '@beyond-ntp/tokenizer';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';

/** Options of {@link loadStories}. */
export interface StoriesOptions {
  /** Training stories (one fixed set, the same for every run seed). */
  trainCount: number;
  /** Held-out stories the prompts are cut from. */
  testCount: number;
}

/** The character-level story corpus every run trains on and the held-out stories its prompts come from. */
export interface Stories {
  /** Characters of the training and held-out stories, plus `<pad>` (id 0). */
  tokenizer: Tokenizer;
  /** The training stories joined by newlines, as token ids. */
  trainIds: number[];
  /** The held-out stories' texts. */
  testTexts: string[];
}

/** The padding id: the char tokenizer's first special token. */
export const PAD_ID = 0;

/**
 * Children's stories from synth-tasks' induction generator (data seed 0, train and test splits), read one
 * character per token. The generator draws character names that are exactly two GPT-2 tokens, as the multi-token
 * paper's induction task needs; here the model reads characters, so that rule only shapes which names occur.
 */
export function loadStories({ trainCount, testCount }: StoriesOptions): Stories {
  const names = new Tiktoken(gpt2);
  const story = (split: 'train' | 'test', count: number) =>
    generateInduction({ seed: 0, split, count, tokenizer: names }).map((r) => r.text);
  const train = story('train', trainCount);
  const testTexts = story('test', testCount);
  const tokenizer = createCharTokenizer({
    text: [...train, ...testTexts, '\n'],
    specialTokens: ['<pad>'],
    unknown: 'error',
  });
  return { tokenizer, trainIds: tokenizer.encode(train.join('\n')), testTexts };
}

/** Options of {@link windowBatch}. */
export interface WindowBatchOptions {
  /** The token stream windows are cut from. */
  ids: readonly number[];
  /** The run seed. */
  seed: number;
  /** The training step (0-based): the batch is a pure function of seed and step, so a resumed run sees it again. */
  step: number;
  /** Windows per batch. */
  batch: number;
  /** Tokens per window. */
  length: number;
}

/** `batch` windows of `length` consecutive tokens at uniformly drawn offsets of the stream. */
export function windowBatch({ ids, seed, step, batch, length }: WindowBatchOptions): { ids: number[][] } {
  if (ids.length < length)
    throw new RangeError(`the stream (${ids.length} tokens) is shorter than a window (${length})`);
  const rng = new Rng(`self-speculative/batches/${seed}/${step}`);
  return {
    ids: Array.from({ length: batch }, () => {
      const start = rng.int(0, ids.length - length);
      return ids.slice(start, start + length);
    }),
  };
}

/** Options of {@link promptSet}. */
export interface PromptSetOptions {
  /** Held-out story texts. */
  texts: readonly string[];
  /** The tokenizer. */
  tokenizer: Tokenizer;
  /** Prompts wanted (at most one per story). */
  count: number;
  /** Characters per prompt. */
  length: number;
}

/**
 * The fixed prompt set: from each of the first `count` held-out stories, `length` characters at an offset drawn
 * from a fixed seed, so every run and mode decodes the same prompts (a smaller mode takes a prefix of the list).
 */
export function promptSet({ texts, tokenizer, count, length }: PromptSetOptions): number[][] {
  const rng = new Rng('self-speculative/prompts');
  const prompts = texts.slice(0, count).map((text) => {
    if (text.length < length) throw new RangeError(`a held-out story is shorter than a prompt (${length})`);
    const start = rng.int(0, text.length - length);
    return tokenizer.encode(text.slice(start, start + length));
  });
  if (prompts.length < count) throw new RangeError(`${count} prompts need ${count} held-out stories`);
  return prompts;
}
