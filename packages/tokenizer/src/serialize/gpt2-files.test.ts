import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { BYTE_TO_CHAR } from '../pre-tokenize/byte-level.js';
import { fromGpt2Files } from './gpt2-files.js';

const vocab: Record<string, number> = Object.fromEntries(BYTE_TO_CHAR.map((c, b) => [c, b]));
vocab.he = 256;
vocab.Ġhe = 257;
vocab['<|endoftext|>'] = 258;
const vocabJson = JSON.stringify(vocab);

describe('vocab.json + merges.txt', () => {
  it('loads with or without the #version header and CRLF line ends', () => {
    for (const merges of ['#version: 0.2\nh e\nĠ he\n', 'h e\r\nĠ he\r\n', 'h e\nĠ he']) {
      const tokenizer = fromGpt2Files({ vocab: vocabJson, merges });
      expect(tokenizer.encode('he he<|endoftext|>')).toEqual([256, 257, 258]);
      expect(tokenizer.specialTokens).toEqual(['<|endoftext|>']);
    }
  });

  it('names the file and line of a malformed merge', () => {
    const error = errorOf(() =>
      fromGpt2Files({ vocab: vocabJson, merges: '#version: 0.2\nh e\nĠhe\n', mergesFile: 'gpt2/merges.txt' }),
    );
    expect(error.code).toBe('MALFORMED_FILE');
    expect([error.file, error.line]).toEqual(['gpt2/merges.txt', 3]);
    expect(error.message).toBe(
      'gpt2/merges.txt: line 3 is "Ġhe"; expected two tokens separated by one space.',
    );
  });

  it('names the line of a merge whose tokens are not in vocab.json', () => {
    const error = errorOf(() => fromGpt2Files({ vocab: vocabJson, merges: '#version: 0.2\nh e\nx y\n' }));
    expect([error.file, error.line]).toEqual(['merges.txt', 3]);
    expect(error.message).toContain('merge "x y" at line 3 uses "xy", which is not in the vocabulary');
  });

  it('names vocab.json problems', () => {
    const notJson = errorOf(() => fromGpt2Files({ vocab: '{', merges: '', vocabFile: 'v.json' }));
    expect([notJson.code, notJson.file]).toEqual(['MALFORMED_FILE', 'v.json']);
    expect(notJson.message).toMatch(/^v\.json: is not valid JSON/);
    const badId = errorOf(() => fromGpt2Files({ vocab: JSON.stringify({ ...vocab, he: 'x' }), merges: '' }));
    expect(badId.message).toBe('vocab.json: entry ["he"] is "x"; ids must be integers in 0..16777215.');
  });

  it('checks the special tokens option', () => {
    expect(fromGpt2Files({ vocab: vocabJson, merges: '', specialTokens: [] }).specialTokens).toEqual([]);
    const error = errorOf(() => fromGpt2Files({ vocab: vocabJson, merges: '', specialTokens: ['<pad>'] }));
    expect([error.code, error.field]).toEqual(['INVALID_OPTION', 'specialTokens[0]']);
  });
});
