import { describe, expect, it } from 'vitest';
import { loadStories, PAD_ID, promptSet, windowBatch } from './stories.js';

describe('story data', () => {
  const stories = loadStories({ trainCount: 6, testCount: 3 });
  const text = stories.tokenizer.decode(stories.trainIds);

  it('reads the stories one character per token, with <pad> as id 0 and never in the data', () => {
    expect(stories.tokenizer.idToToken(PAD_ID)).toBe('<pad>');
    expect(stories.trainIds.length).toBe(text.length);
    expect(stories.trainIds).not.toContain(PAD_ID);
    expect(text.split('\n')).toHaveLength(6);
    expect(loadStories({ trainCount: 6, testCount: 3 }).trainIds).toEqual(stories.trainIds);
  });

  it('cuts each batch from the stream as contiguous windows, a pure function of seed and step', () => {
    const ids = Array.from({ length: 50 }, (_, i) => i);
    const batch = windowBatch({ ids, seed: 3, step: 7, batch: 5, length: 8 });
    expect(batch.ids).toHaveLength(5);
    for (const row of batch.ids) {
      expect(row).toHaveLength(8);
      expect(row).toEqual(Array.from({ length: 8 }, (_, i) => (row[0] as number) + i));
    }
    expect(windowBatch({ ids, seed: 3, step: 7, batch: 5, length: 8 })).toEqual(batch);
    expect(windowBatch({ ids, seed: 3, step: 8, batch: 5, length: 8 })).not.toEqual(batch);
    expect(windowBatch({ ids, seed: 4, step: 7, batch: 5, length: 8 })).not.toEqual(batch);
    // A window as long as the stream is the stream; a longer one is refused.
    expect(windowBatch({ ids, seed: 0, step: 0, batch: 1, length: 50 }).ids).toEqual([ids]);
    expect(() => windowBatch({ ids, seed: 0, step: 0, batch: 1, length: 51 })).toThrow(RangeError);
  });

  it('cuts the same prompts from the held-out stories whatever else is asked, a prefix for fewer', () => {
    const prompts = promptSet({
      texts: stories.testTexts,
      tokenizer: stories.tokenizer,
      count: 3,
      length: 16,
    });
    expect(prompts).toHaveLength(3);
    prompts.forEach((prompt, i) => {
      expect(prompt).toHaveLength(16);
      expect(stories.testTexts[i]).toContain(stories.tokenizer.decode(prompt));
    });
    const two = promptSet({ texts: stories.testTexts, tokenizer: stories.tokenizer, count: 2, length: 16 });
    expect(two).toEqual(prompts.slice(0, 2));
    expect(() =>
      promptSet({ texts: stories.testTexts, tokenizer: stories.tokenizer, count: 4, length: 16 }),
    ).toThrow(/4 prompts need 4 held-out stories/);
  });
});
