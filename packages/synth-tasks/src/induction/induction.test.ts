import fc from 'fast-check';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { describe, expect, it } from 'vitest';
import { evaluateInduction, inductionTargets } from './evaluate.js';
import { generateInduction } from './generate.js';
import type { InductionRecord, TokenizerLike } from './record.js';
import { inductionStats } from './stats.js';

const gpt2Tokenizer = new Tiktoken(gpt2);

/** Tiny stand-in: one token per character, except that a space merges with the character after it. */
const charTokenizer: TokenizerLike = {
  encode(text) {
    const ids: number[] = [];
    for (let i = 0; i < text.length; i++) {
      if (text[i] === ' ' && i + 1 < text.length) ids.push(1000 + text.charCodeAt(++i));
      else ids.push(text.charCodeAt(i));
    }
    return ids;
  },
};

function checkRecord(record: InductionRecord, tokenizer: TokenizerLike) {
  for (const name of record.names) expect(tokenizer.encode(` ${name}`).length).toBe(2);
  const perCharacter = record.names.map(() => 0);
  for (const m of record.mentions) {
    expect(record.text.slice(m.start, m.end)).toBe(record.names[m.character]);
    expect(record.text[m.start - 1]).toBe(' ');
    expect(record.text[m.end] ?? '.').toMatch(/[^A-Za-z]/);
    expect(m.occurrence).toBe(perCharacter[m.character]);
    perCharacter[m.character] = (perCharacter[m.character] ?? 0) + 1;
  }
  for (const n of perCharacter) expect(n).toBeGreaterThanOrEqual(2);
}

describe('induction stories', () => {
  it('scores a hand-worked story with the char-level tokenizer', () => {
    const record: InductionRecord = {
      task: 'induction',
      split: 'test',
      text: 'Once, Bo met Al. Bo ran.',
      names: ['Bo', 'Al'],
      mentions: [
        { character: 0, occurrence: 0, start: 6, end: 8 },
        { character: 1, occurrence: 0, start: 13, end: 15 },
        { character: 0, occurrence: 1, start: 17, end: 19 },
      ],
    };
    // Tokens: O n c e , ␣B o ␣m e t ␣A l . ␣B o ␣r a n . → the repeat "o" of " Bo" is token 14.
    expect(inductionTargets({ record, tokenizer: charTokenizer })).toEqual([
      { position: 14, token: 'o'.charCodeAt(0), character: 0, occurrence: 1 },
    ]);
    const tokens = Array.from(charTokenizer.encode(record.text));
    expect(tokens).toHaveLength(19);
    const wrong = tokens.map(() => 0);
    expect(evaluateInduction({ records: [record], tokenizer: charTokenizer, predictions: [tokens] })).toEqual(
      {
        correct: 1,
        total: 1,
        accuracy: 1,
      },
    );
    expect(
      evaluateInduction({ records: [record], tokenizer: charTokenizer, predictions: [wrong] }).accuracy,
    ).toBe(0);
    expect(() =>
      evaluateInduction({ records: [record], tokenizer: charTokenizer, predictions: [[1, 2]] }),
    ).toThrow(/predictions\[0\] has 2 entries but story 0 has 19 tokens/);
  });

  it('GPT-2 names are two tokens, every mention is marked and each character recurs', () => {
    const records = generateInduction({ seed: 'gpt2', count: 30, tokenizer: gpt2Tokenizer });
    for (const record of records) {
      checkRecord(record, gpt2Tokenizer);
      const targets = inductionTargets({ record, tokenizer: gpt2Tokenizer });
      expect(targets).toHaveLength(record.mentions.filter((m) => m.occurrence > 0).length);
    }
    // Oracle predictions (the true next token everywhere) score 1; predictions right only off-target score 0.
    const truth = records.map((r) => Array.from(gpt2Tokenizer.encode(r.text)));
    expect(evaluateInduction({ records, tokenizer: gpt2Tokenizer, predictions: truth }).accuracy).toBe(1);
    const offTarget = records.map((record, i) => {
      const p = [...(truth[i] as number[])];
      for (const t of inductionTargets({ record, tokenizer: gpt2Tokenizer })) p[t.position] = -1;
      return p;
    });
    expect(evaluateInduction({ records, tokenizer: gpt2Tokenizer, predictions: offTarget })).toMatchObject({
      correct: 0,
    });
  });

  it('holds for any seed and size with the char-level stand-in (property)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        (seed, chars, events) => {
          const records = generateInduction({
            seed,
            count: 3,
            tokenizer: charTokenizer,
            minCharacters: chars,
            maxCharacters: chars,
            minEvents: Math.max(events, chars),
            maxEvents: Math.max(events, chars),
          });
          for (const record of records) {
            checkRecord(record, charTokenizer);
            expect(record.names).toHaveLength(chars);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is varied: many distinct sentences and names', () => {
    const stats = inductionStats(generateInduction({ seed: 2, count: 200, tokenizer: gpt2Tokenizer }));
    console.log('induction statistics on 200 stories:', JSON.stringify(stats));
    expect(stats.meanRepeatMentions).toBeGreaterThan(4);
    // Even with every name masked, over half of all sentences occur only once in 200 stories.
    expect(stats.distinctSentences / stats.sentences).toBeGreaterThan(0.5);
    expect(stats.distinctNames).toBeGreaterThan(350);
  });

  it('fails clearly for a tokenizer without two-token names and for a missing tokenizer', () => {
    const oneToken: TokenizerLike = { encode: () => [7] };
    expect(() => generateInduction({ seed: 1, count: 1, tokenizer: oneToken })).toThrow(
      /option "tokenizer" encoded only 0 of \d needed distinct names as exactly two tokens in 2000 tries/,
    );
    expect(() => generateInduction({ seed: 1, count: 1, tokenizer: {} as TokenizerLike })).toThrow(
      /option "tokenizer" must be an object with an encode\(text\) method/,
    );
    expect(() =>
      generateInduction({ seed: 1, count: 1, tokenizer: charTokenizer, minEvents: 9, maxEvents: 2 }),
    ).toThrow(/"minEvents" must be <= maxEvents/);
    expect(() =>
      generateInduction({ seed: 1, count: 1, tokenizer: charTokenizer, minEvents: 2, maxCharacters: 4 }),
    ).toThrow(/"minEvents" must be >= maxCharacters/);
  });
});
