// GPT-2 loaded from tokenizer.json and from vocab.json + merges.txt must encode exactly like the reference
// implementations: js-tiktoken's GPT-2 ranks and HF tokenizers.js reading the same tokenizer.json.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import fc from 'fast-check';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Files } from '../scripts/gpt2-reference.js';
import { fromGpt2Files, fromHfJson, type Tokenizer } from './index.js';

const TRICKY = [
  '',
  "I'm sure they've said you'll go, we'd've known it's JOHN'S 'quoted' don't",
  'Numbers 1234567890 3.14159 1,000,000 -42 ½ ² ٣٤ 一二三',
  'spaces:  two   three    four\ttab \t mixed  \n',
  '\n\n\nnewlines\r\n\r\nwindows\n \n',
  '    leading and trailing    ',
  'emoji 😀👍🏽👨‍👩‍👧‍👦 🇫🇷 flags ❤️',
  '中文字符和日本語のひらがなカタカナ 한국어',
  'combining: é (e\u0301) ñ (n\u0303) Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗͚',
  'code: const x = () => { return a?.b ?? c; } // comment',
  '<|endoftext|>special in the middle<|endoftext|>',
  '\u00a0non-breaking\u2003em space\u3000ideographic',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '!!!!!!!!!!!!!!!??????????.........------======',
  'Ġ Ċ ĉ are the byte-level spellings of space, newline and tab',
];

// Pieces that exercise every branch of the split pattern, glued at random.
const PIECES = [
  "'s",
  "'t",
  "'re",
  "'ve",
  "'m",
  "'ll",
  "'d",
  ' ',
  '  ',
  '\n',
  '\t',
  'hello',
  ' world',
  '42',
  ' 7',
  '!',
  ' ?!',
  '😀',
  '日本',
  'é',
  'e\u0301',
  '\r\n',
  "'",
  'S',
];
const glued = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join(''));
// Well-formed Unicode (lone surrogates are covered in the round-trip tests: references replace them with U+FFFD).
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  glued,
);

describe('GPT-2 vocabulary', () => {
  let fromJson: Tokenizer;
  let fromFiles: Tokenizer;
  let tiktoken: Tiktoken;
  let hf: HfTokenizer;

  beforeAll(() => {
    const files = gpt2Files();
    fromJson = fromHfJson(files.tokenizerJson);
    fromFiles = fromGpt2Files({ vocab: files.vocabJson, merges: files.mergesTxt });
    tiktoken = new Tiktoken(gpt2Ranks);
    hf = new HfTokenizer(JSON.parse(files.tokenizerJson), {});
  });

  it('has GPT-2 sizes and spellings', () => {
    expect(fromJson.vocabSize).toBe(50257);
    expect(fromFiles.vocabSize).toBe(50257);
    expect(fromFiles.tokenToId('<|endoftext|>')).toBe(50256);
    expect(fromFiles.specialTokens).toEqual(['<|endoftext|>']);
    // Known GPT-2 ids: "Hello" 15496, " world" 995.
    expect(fromJson.encode('Hello world')).toEqual([15496, 995]);
    expect(fromJson.idToToken(995)).toBe('Ġworld');
  });

  it('encodes tricky strings like js-tiktoken and tokenizers.js', () => {
    for (const text of TRICKY) {
      const expected = tiktoken.encode(text, 'all');
      expect(fromJson.encode(text), text).toEqual(expected);
      expect(fromFiles.encode(text), text).toEqual(expected);
      expect(hf.encode(text).ids, text).toEqual(expected);
      expect(fromJson.decode(expected)).toBe(text);
    }
  });

  it('encodes arbitrary text like js-tiktoken (property)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const expected = tiktoken.encode(text, 'all');
        expect(fromJson.encode(text)).toEqual(expected);
        expect(fromFiles.encode(text)).toEqual(expected);
        expect(fromJson.decode(expected)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips strings with lone surrogates, which the references replace with U+FFFD (property)', () => {
    const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
    const withLone = fc
      .tuple(anyText, lone, anyText)
      // Both sides are well-formed, so the surrogate cannot pair with a neighbour.
      .map(([a, surrogate, b]) => a + surrogate + b);
    fc.assert(
      fc.property(withLone, (text) => {
        const ids = fromJson.encode(text);
        expect(fromJson.decode(ids)).toBe(text);
        // js-tiktoken sees U+FFFD where we see the surrogate: its ids decode to the replaced string.
        const replaced = text.replace(
          /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
          '\ufffd',
        );
        expect(fromJson.decode(tiktoken.encode(text, 'all'))).toBe(replaced);
      }),
      { numRuns: 200 },
    );
  });

  it('encodes a long piece (heap merge path) like js-tiktoken', () => {
    const text = `${'abracadabra'.repeat(60)} ${' '.repeat(300)}x`;
    expect(fromJson.encode(text)).toEqual(tiktoken.encode(text));
  });
});
