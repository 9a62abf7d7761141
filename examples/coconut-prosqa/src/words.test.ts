import { coconutAnswer } from '@beyond-ntp/coconut-curriculum';
import { generateProsQA } from '@beyond-ntp/synth-tasks';
import { describe, expect, it } from 'vitest';
import { SPECIALS, splitWords, wordTokenizer } from './words.js';

describe('wordTokenizer', () => {
  const records = generateProsQA({ seed: 3, count: 20, minNodes: 10, maxNodes: 10 });
  const texts = records.flatMap((r) => [r.question, ...r.steps, r.answer]);
  const tokenizer = wordTokenizer([...texts, '###']);

  it('gives one token per word or mark and decodes the reference layout back to its text', () => {
    expect(splitWords('Every lempus is a zumpus.\n### Tom is a lempus.')).toEqual([
      'Every',
      'lempus',
      'is',
      'a',
      'zumpus',
      '.',
      '\n',
      '###',
      'Tom',
      'is',
      'a',
      'lempus',
      '.',
    ]);
    for (const r of records) {
      const text = `${r.question}\n${r.steps.map((s) => `${s}\n`).join('')}### ${r.answer}`;
      const ids = tokenizer.encode(text);
      expect(tokenizer.decode(ids)).toBe(text);
      // The reference answer rule recovers the gold answer from the decoded chain of thought.
      expect(coconutAnswer(tokenizer.decode(ids))).toBe(r.answer);
    }
  });

  it('puts the specials first, skips them when decoding, and names an unknown word', () => {
    expect(tokenizer.tokens).toEqual({ pad: 0, bot: 2, eot: 3, latent: 4, pause: 5 });
    expect(tokenizer.eos).toBe(1);
    const every = tokenizer.encode('Every');
    expect(
      tokenizer.decode([tokenizer.tokens.bot, tokenizer.tokens.latent, tokenizer.tokens.eot, ...every, 1]),
    ).toBe('Every');
    expect(tokenizer.vocabSize).toBe(
      SPECIALS.length + new Set(texts.flatMap(splitWords).filter((w) => w !== '\n')).size + 1,
    );
    expect(() => tokenizer.encode('Every dragon')).toThrow('word "dragon" is not in the vocabulary');
  });
});
