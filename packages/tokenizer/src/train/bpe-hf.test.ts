import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHfJson, toHfJson } from '../serialize/hf-json.js';
import { trainBpe } from './bpe.js';

// Written by scripts/hf-trainer-fixtures.py with Hugging Face's BpeTrainer (ByteLevel pre-tokenizer, the
// 256-byte initial alphabet); see that script for the corpora.
interface Fixture {
  generator: string;
  corpus: string[];
  options: { vocabSize: number; minFrequency: number; specialTokens: string[] };
  added_tokens: Array<{ id: number; content: string }>;
  vocab: Record<string, number>;
  merges: string[];
}

const dir = join(import.meta.dirname, '../../test/fixtures/hf-trainer');
const fixtures = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => [name.slice(0, -5), JSON.parse(readFileSync(join(dir, name), 'utf8')) as Fixture] as const);

describe("trainBpe matches Hugging Face's BpeTrainer", () => {
  it('has the fixtures', () => {
    expect(fixtures.map(([name]) => name)).toEqual(
      expect.arrayContaining(['newline-vs-letters', 'special-is-a-byte', 'special-is-a-merge']),
    );
  });

  it.each(fixtures)('%s: same merges in the same order, same ids', (_, fixture) => {
    const tokenizer = trainBpe(fixture.corpus, fixture.options);
    const json = toHfJson(tokenizer);
    expect(json.model.merges).toEqual(fixture.merges);
    expect(json.model.vocab).toEqual(fixture.vocab);
    expect(json.added_tokens.map(({ id, content }) => ({ id, content }))).toEqual(fixture.added_tokens);
    // What we write loads back, and encodes the corpus as before.
    const reloaded = fromHfJson(JSON.stringify(json));
    const text = fixture.corpus.join('');
    expect(reloaded.encode(text)).toEqual(tokenizer.encode(text));
    // Decoding gives the text back unless a merge produced a special token (then its text is the special's).
    const ids = tokenizer.encode(text);
    if (!ids.some((id) => tokenizer.added.byId.has(id))) expect(tokenizer.decode(ids)).toBe(text);
  });

  it('a merge spelled like a special token yields the special token, as in HF', () => {
    const fixture = fixtures.find(([name]) => name === 'special-is-a-merge')?.[1] as Fixture;
    const tokenizer = trainBpe(fixture.corpus, fixture.options);
    expect(tokenizer.encode(' <', { specialTokens: 'as-text' })).toEqual([1]);
  });

  it('numbers the byte tokens by the code point of their byte-level character', () => {
    const tokenizer = trainBpe('', { vocabSize: 257, specialTokens: ['<unk>'] });
    // The 188 printable bytes spell themselves ("!" … "ÿ"), the other 68 follow as U+0100 … U+0143.
    expect(tokenizer.tokenToId('!')).toBe(1);
    expect(tokenizer.tokenToId('ÿ')).toBe(188);
    expect(tokenizer.tokenToId('Ā')).toBe(189);
    expect(tokenizer.tokenToId('Ġ')).toBe(221);
  });
});
