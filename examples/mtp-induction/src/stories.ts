import { generateInduction, type InductionRecord } from '@beyond-ntp/synth-tasks';
import { PAD_ID, type StoryTokenizer, storyTokenizer } from './story-tokenizer.js';

/**
 * Story shape: synth-tasks' default 2–3 characters, with 3–5 events instead of its default 4–8, which makes the
 * stories (≈ 95 tokens instead of ≈ 125) and so each training step cheaper while keeping ≈ 10 induction
 * targets per story.
 */
export const STORY_OPTIONS = { minCharacters: 2, maxCharacters: 3, minEvents: 3, maxEvents: 5 } as const;

/** Longest story the models must hold; no story of this shape comes close (tested). */
export const CONTEXT_LENGTH = 192;

/** A batch of stories as token ids, right-padded with {@link PAD_ID} (never a target). */
export interface StoryBatch {
  /** `[B, T]` ids, T the longest story of the batch. */
  ids: number[][];
}

/** The tokenizer and the held-out stories, the same for every run. */
export interface StoryData {
  /** The story tokenizer. */
  tokenizer: StoryTokenizer;
  /** Held-out stories (synth-tasks' test split, never drawn for training). */
  test: InductionRecord[];
}

let cached: { testCount: number; data: StoryData } | undefined;

/** The story tokenizer and `testCount` held-out stories, built once per process. */
export function storyData(testCount: number): StoryData {
  if (cached?.testCount !== testCount) {
    const tokenizer = storyTokenizer({ count: 3000, seed: 'mtp-induction/vocabulary' });
    const test = generateInduction({
      ...STORY_OPTIONS,
      seed: 'mtp-induction/test',
      count: testCount,
      split: 'test',
      tokenizer,
    });
    cached = { testCount, data: { tokenizer, test } };
  }
  return cached.data;
}

/** Right-pads token rows to the longest. */
export function padRows(rows: readonly (readonly number[])[]): StoryBatch {
  const width = Math.max(...rows.map((r) => r.length));
  return { ids: rows.map((r) => [...r, ...new Array<number>(width - r.length).fill(PAD_ID)]) };
}

/**
 * The training batches of a run: batch `step` is `size` fresh training-split stories drawn from a seed made of
 * the run's seed and the step, so every condition of a seed sees the same stories in the same order and a
 * resumed run sees exactly the batches it would have.
 */
export function trainingBatches(options: {
  tokenizer: StoryTokenizer;
  seed: number;
  size: number;
}): (step: number) => StoryBatch {
  const { tokenizer, seed, size } = options;
  return (step) =>
    padRows(
      generateInduction({
        ...STORY_OPTIONS,
        seed: `mtp-induction/train/${seed}/${step}`,
        count: size,
        split: 'train',
        tokenizer,
      }).map((story) => tokenizer.encode(story.text)),
    );
}
