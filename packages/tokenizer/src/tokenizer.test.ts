import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../test/error-of.js';
import { trainBpe } from './train/bpe.js';
import { createCharTokenizer } from './train/char.js';

const corpus = 'the cat sat on the mat. the dog sat on the log. <eos> 12 + 34 = 46 ünïcödé 日本語 😀 '.repeat(
  10,
);
const bpe = trainBpe(corpus, { vocabSize: 330 });
// The corpus runs out of pairs seen twice before 330.
const V = bpe.vocabSize;
const PAD = 0;
const BOS = 1;
const EOS = 2;

// Any sequence of UTF-16 code units: emoji, combining marks, CJK, lone surrogates, the empty string.
const anyJsString = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

describe('Tokenizer (byte-level BPE)', () => {
  it('round-trips every JS string, lone surrogates included (property)', () => {
    fc.assert(
      fc.property(anyJsString, (text) => {
        expect(bpe.decode(bpe.encode(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
    for (const text of [
      '',
      '\ufeff',
      '\ufeffx',
      '\ud800',
      'a\udc00b',
      '\udbff\udfff',
      'e\u0301\u0302',
      '👨‍👩‍👧',
    ]) {
      expect(bpe.decode(bpe.encode(text))).toBe(text);
    }
  });

  it('keeps special tokens whole, or treats them as text, or rejects them', () => {
    expect(bpe.encode('<bos><eos>')).toEqual([BOS, EOS]);
    const asText = bpe.encode('<eos>', { specialTokens: 'as-text' });
    expect(asText).not.toContain(EOS);
    expect(bpe.decode(asText)).toBe('<eos>');
    const error = errorOf(() => bpe.encode('hi <eos>', { specialTokens: 'reject' }));
    expect(error.code).toBe('SPECIAL_TOKEN_IN_TEXT');
    expect(error.message).toContain('"<eos>" at index 3');
    expect(bpe.encode('hi', { specialTokens: 'reject' })).toEqual(bpe.encode('hi'));
    expect(errorOf(() => bpe.encode('x', { specialTokens: 'no' as 'allow' })).field).toBe('specialTokens');
  });

  it('matches special tokens leftmost-longest', () => {
    const more = bpe.withSpecialTokens(['<eot>', '<eot_2>']);
    const [eot, eot2] = [more.tokenToId('<eot>'), more.tokenToId('<eot_2>')];
    expect([eot, eot2]).toEqual([V, V + 1]);
    expect(more.encode('<eot_2><eot>')).toEqual([eot2, eot]);
  });

  it('decodes with and without special tokens and rejects unknown ids', () => {
    const ids = bpe.encode('<bos>the cat<eos><pad>');
    expect(bpe.decode(ids)).toBe('<bos>the cat<eos><pad>');
    expect(bpe.decode(ids, { skipSpecialTokens: true })).toBe('the cat');
    const error = errorOf(() => bpe.decode([5, V]));
    expect(error.code).toBe('INVALID_ID');
    expect(error.message).toContain(`ids[1] = ${V}`);
    expect(errorOf(() => bpe.decode([-1])).code).toBe('INVALID_ID');
  });

  it('maps tokens and ids both ways', () => {
    expect(V).toBeGreaterThan(4 + 256 + 30);
    expect(V).toBeLessThan(330);
    expect(bpe.tokenToId('<eos>')).toBe(EOS);
    expect(bpe.idToToken(EOS)).toBe('<eos>');
    const the = bpe.tokenToId('Ġthe') as number;
    expect(bpe.idToToken(the)).toBe('Ġthe');
    expect(bpe.encode(' the')).toEqual([the]);
    expect(bpe.tokenToId('nope-not-a-token')).toBeUndefined();
    expect(bpe.idToToken(10_000)).toBeUndefined();
    expect(bpe.specialTokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
  });

  it('adds special tokens without touching the original', () => {
    const more = bpe.withSpecialTokens(['<bot>', '<eos>', '<latent>', '<bot>']);
    expect(more.specialTokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', '<bot>', '<latent>']);
    expect(more.vocabSize).toBe(V + 2);
    expect(more.encode('<bot>the<latent>')).toEqual([V, ...bpe.encode('the'), V + 1]);
    expect(bpe.tokenToId('<bot>')).toBeUndefined();
    expect(errorOf(() => bpe.withSpecialTokens([''])).field).toBe('tokens[0]');
  });

  it('counts tokens for task generators', () => {
    expect(bpe.encodesToExactly('the', 1, { leadingSpace: true })).toBe(true);
    expect(bpe.encodesToExactly('the', 1)).toBe(true);
    expect(bpe.encodesToExactly('cat', 2, { leadingSpace: true })).toBe(false);
    expect(bpe.encodesToExactly('<eos>', 1)).toBe(false);
    expect(bpe.encodesToExactly('', 0)).toBe(true);
    expect(errorOf(() => bpe.encodesToExactly('x', -1)).field).toBe('k');
  });
});

describe('encodeBatch', () => {
  const texts = ['the cat', 'the dog sat on the log', '', '<bos>12'];

  it('equals per-item encode without padding (property)', () => {
    fc.assert(
      fc.property(fc.array(anyJsString, { maxLength: 6 }), (batch) => {
        const { ids, attentionMask } = bpe.encodeBatch(batch);
        expect(ids).toEqual(batch.map((t) => bpe.encode(t)));
        expect(attentionMask).toEqual(ids.map((row) => row.map(() => 1)));
      }),
      { numRuns: 100 },
    );
  });

  it('pads to the longest row on either side', () => {
    const rows = texts.map((t) => bpe.encode(t));
    const width = Math.max(...rows.map((r) => r.length));
    const right = bpe.encodeBatch(texts, { padding: 'longest' });
    const left = bpe.encodeBatch(texts, { padding: 'longest', paddingSide: 'left' });
    rows.forEach((row, i) => {
      const pad = Array(width - row.length).fill(PAD);
      expect(right.ids[i]).toEqual([...row, ...pad]);
      expect(right.attentionMask[i]).toEqual([...row.map(() => 1), ...pad.map(() => 0)]);
      expect(left.ids[i]).toEqual([...pad, ...row]);
      expect(left.attentionMask[i]).toEqual([...pad.map(() => 0), ...row.map(() => 1)]);
    });
  });

  it('truncates and pads to maxLength', () => {
    const { ids, attentionMask } = bpe.encodeBatch(texts, {
      padding: 'max-length',
      maxLength: 3,
      truncation: true,
    });
    texts.forEach((text, i) => {
      const row = bpe.encode(text).slice(0, 3);
      expect(ids[i]).toEqual([...row, ...Array(3 - row.length).fill(PAD)]);
      expect(attentionMask[i]?.reduce((a, b) => a + b, 0)).toBe(row.length);
    });
    const longKept = bpe.encodeBatch(texts, { padding: 'max-length', maxLength: 3 });
    expect(longKept.ids[1]).toEqual(bpe.encode(texts[1] as string));
    const truncatedOnly = bpe.encodeBatch(texts, { truncation: true, maxLength: 2 });
    expect(truncatedOnly.ids.map((r) => r.length)).toEqual(
      texts.map((t) => Math.min(2, bpe.encode(t).length)),
    );
  });

  it('names the bad option', () => {
    expect(errorOf(() => bpe.encodeBatch(texts, { padding: 'max-length' })).field).toBe('maxLength');
    expect(errorOf(() => bpe.encodeBatch(texts, { maxLength: 4 })).field).toBe('maxLength');
    expect(errorOf(() => bpe.encodeBatch(texts, { padding: 'all' as 'none' })).field).toBe('padding');
    expect(errorOf(() => bpe.encodeBatch(texts, { padding: 'longest', padToken: '<nope>' })).field).toBe(
      'padToken',
    );
    expect(errorOf(() => bpe.encodeBatch(['a', 3 as unknown as string])).field).toBe('texts[1]');
    const noPad = trainBpe('abc', { vocabSize: 260, specialTokens: ['<eos>'] });
    expect(errorOf(() => noPad.encodeBatch(['a'], { padding: 'longest' })).message).toContain(
      '"<pad>" is not in',
    );
    expect(noPad.encodeBatch(['a', 'bc'], { padding: 'longest', padToken: '<eos>' }).ids).toEqual([
      [noPad.encode('a')[0], 0],
      noPad.encode('bc'),
    ]);
  });
});

describe('Tokenizer (char-level)', () => {
  const chars = createCharTokenizer({ text: 'hello world', specialTokens: ['<pad>', '<unk>'] });

  it('round-trips strings over its alphabet, and maps others to <unk>', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'hello world') }), (text) => {
        expect(chars.decode(chars.encode(text))).toBe(text);
      }),
    );
    expect(chars.encode('hex')).toEqual([chars.tokenToId('h'), chars.tokenToId('e'), 1]);
    expect(chars.decode(chars.encode('hex'), { skipSpecialTokens: true })).toBe('he');
  });
});
