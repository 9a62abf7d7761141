import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { fromHfJson, toHfJson } from '../serialize/hf-json.js';
import { createCharTokenizer } from './char.js';

describe('createCharTokenizer', () => {
  it('puts special tokens first, then characters in code point order', () => {
    const tokenizer = createCharTokenizer({ text: ['bca', 'ab😀\n'] });
    expect(tokenizer.specialTokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
    expect([...tokenizer.model.vocab.keys()]).toEqual([
      '<pad>',
      '<bos>',
      '<eos>',
      '<unk>',
      '\n',
      'a',
      'b',
      'c',
      '😀',
    ]);
    expect(tokenizer.encode('<bos>cab😀<eos>')).toEqual([1, 7, 5, 6, 8, 2]);
    expect(tokenizer.vocabSize).toBe(9);
  });

  it('maps unknown characters to <unk> or throws, by option', () => {
    const unk = createCharTokenizer({ text: 'ab' });
    expect(unk.encode('a?b')).toEqual([4, 3, 5]);
    const strict = createCharTokenizer({ text: 'ab', unknown: 'error', specialTokens: [] });
    const error = errorOf(() => strict.encode('ab?'));
    expect(error.code).toBe('UNKNOWN_CHARACTER');
    expect(error.message).toContain('"?" (U+003F) at index 2');
    expect(errorOf(() => strict.encode('😀')).message).toContain('U+1F600');
  });

  it('treats a lone surrogate as one character', () => {
    const tokenizer = createCharTokenizer({ text: 'a\ud800', specialTokens: [], unknown: 'error' });
    expect(tokenizer.encode('\ud800a')).toEqual([1, 0]);
    expect(tokenizer.decode([1, 0])).toBe('\ud800a');
  });

  it('names bad options', () => {
    expect(errorOf(() => createCharTokenizer({ text: 'a', specialTokens: ['<pad>'] })).field).toBe(
      'specialTokens',
    );
    expect(errorOf(() => createCharTokenizer({ text: 'a', unknown: 'skip' as 'unk' })).field).toBe('unknown');
    expect(errorOf(() => createCharTokenizer({ text: 5 as unknown as string })).field).toBe('text');
    expect(errorOf(() => createCharTokenizer({ text: ['a', 5 as unknown as string] })).field).toBe('text[1]');
  });

  it('survives tokenizer.json and encodes identically in tokenizers.js (property)', () => {
    const alphabet = 'abc xyz\n0123é日😀';
    for (const unknown of ['unk', 'error'] as const) {
      const tokenizer = createCharTokenizer({ text: alphabet, unknown });
      const json = toHfJson(tokenizer);
      expect(json.model.unk_token).toBe(unknown === 'unk' ? '<unk>' : null);
      const reloaded = fromHfJson(JSON.stringify(json));
      const hf = new HfTokenizer(JSON.parse(JSON.stringify(json)), {});
      const known = fc.string({ unit: fc.constantFrom(...alphabet, '<eos>', '<pad>'), maxLength: 30 });
      fc.assert(
        fc.property(known, (text) => {
          const ids = tokenizer.encode(text);
          expect(reloaded.encode(text)).toEqual(ids);
          expect(hf.encode(text, { add_special_tokens: false }).ids).toEqual(ids);
          expect(tokenizer.decode(ids)).toBe(text);
          if (ids.length > 0) expect(hf.decode(ids, { clean_up_tokenization_spaces: false })).toBe(text);
        }),
        { numRuns: 200 },
      );
      if (unknown === 'unk') {
        expect(reloaded.encode('a?')).toEqual(tokenizer.encode('a?'));
        expect(hf.encode('a?', { add_special_tokens: false }).ids).toEqual(tokenizer.encode('a?'));
      } else expect(errorOf(() => reloaded.encode('a?')).code).toBe('UNKNOWN_CHARACTER');
    }
  });
});
