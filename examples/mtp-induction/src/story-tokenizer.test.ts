import { evaluateInduction, generateInduction, inductionTargets } from '@beyond-ntp/synth-tasks';
import { describe, expect, it } from 'vitest';
import { CONTEXT_LENGTH, STORY_OPTIONS, storyData } from './stories.js';
import { PAD_ID, StoryTokenizer, SYLLABLES } from './story-tokenizer.js';

const names = (tokenizer: StoryTokenizer, ids: number[]) => ids.map((id) => tokenizer.tokens[id]);

describe('StoryTokenizer', () => {
  const tokenizer = new StoryTokenizer(['Once', 'a', 'fox', 'named', '.', ',']);

  it('gives known words and marks one token, splits names into syllables and spells other words', () => {
    expect(names(tokenizer, tokenizer.encode('Once a fox named Tramo.'))).toEqual([
      'Once',
      'a',
      'fox',
      'named',
      '#tra',
      '#mo',
      '.',
    ]);
    expect(names(tokenizer, tokenizer.encode(' Shaitou'))).toEqual(['#shai', '#tou']);
    // A coda ends no syllable, so the word is spelled; an unknown mark is <unk>.
    expect(names(tokenizer, tokenizer.encode('Bon!'))).toEqual(['@b', '@o', '@n', '<unk>']);
    expect(tokenizer.tokens[PAD_ID]).toBe('<pad>');
    expect(tokenizer.vocabSize).toBe(2 + 6 + SYLLABLES.length + 26);
    expect(new Set(tokenizer.tokens).size).toBe(tokenizer.vocabSize);
  });

  it('makes every generated name two syllable tokens, and the metric scores true continuations 1', () => {
    const { tokenizer: story } = storyData(4);
    const records = generateInduction({ ...STORY_OPTIONS, seed: 9, count: 40, tokenizer: story });
    for (const record of records) {
      for (const name of record.names) {
        expect(names(story, story.encode(` ${name}`)).every((t) => t?.startsWith('#'))).toBe(true);
      }
      const ids = story.encode(record.text);
      expect(ids.length).toBeLessThanOrEqual(CONTEXT_LENGTH);
      expect(ids).not.toContain(story.tokens.indexOf('<unk>'));
      expect(inductionTargets({ record, tokenizer: story }).length).toBeGreaterThanOrEqual(2);
    }
    const truth = records.map((r) => story.encode(r.text));
    expect(evaluateInduction({ records, tokenizer: story, predictions: truth }).accuracy).toBe(1);
  });
});
