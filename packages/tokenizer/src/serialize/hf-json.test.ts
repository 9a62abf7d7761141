import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { trainBpe } from '../train/bpe.js';
import { fromHfJson, type HfTokenizerJson, toHfJson } from './hf-json.js';

const tokenizer = trainBpe('low lower lowest newer wider '.repeat(4), { vocabSize: 275 });
const good = (): HfTokenizerJson => JSON.parse(JSON.stringify(toHfJson(tokenizer)));
// The document as plain JSON, so tests can break it in ways the types forbid.
interface Loose {
  [key: string]: unknown;
  model: { [key: string]: unknown; vocab: Record<string, unknown>; merges: unknown[] };
  added_tokens: Array<Record<string, unknown>>;
  pre_tokenizer: Record<string, unknown>;
}

describe('tokenizer.json', () => {
  it('writes GPT-2 layout and reads it back identically', () => {
    const json = good();
    expect(json.pre_tokenizer).toEqual({
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    });
    expect(json.decoder?.type).toBe('ByteLevel');
    expect(json.added_tokens.map((t) => [t.id, t.content, t.special])).toEqual([
      [0, '<pad>', true],
      [1, '<bos>', true],
      [2, '<eos>', true],
      [3, '<unk>', true],
    ]);
    expect(json.model.merges[0]).toBe('e r');
    expect(Object.keys(json.model.vocab)).toHaveLength(tokenizer.vocabSize);
    const back = fromHfJson(json);
    expect(toHfJson(back)).toEqual(json);
    expect(back.encode(' lowest<eos>')).toEqual(tokenizer.encode(' lowest<eos>'));
  });

  it('reads merges as ["left", "right"] pairs (tokenizers ≥ 0.20)', () => {
    const json = good() as unknown as { model: { merges: unknown[] } };
    json.model.merges = (json.model.merges as string[]).map((m) => m.split(' '));
    expect(fromHfJson(json).encode(' lowest')).toEqual(tokenizer.encode(' lowest'));
  });

  it.each([
    ['not JSON', '{"model": ', undefined, /not valid JSON/],
    ['no model', '{}', 'model', /`model` is missing/],
    [
      'bad id',
      (j: Loose) => (j.model.vocab.l = -1),
      'model.vocab["l"]',
      /ids must be integers in 0\.\.16777215/,
    ],
    ['duplicate id', (j: Loose) => (j.model.vocab.o = j.model.vocab.l), 'model.vocab["o"]', /reuses id/],
    ['bad merge', (j: Loose) => (j.model.merges[2] = 'a b c'), 'model.merges[2]', /expected "left right"/],
    [
      'merge token missing',
      (j: Loose) => (j.model.merges[0] = 'l zz'),
      'model.merges',
      /"zz", which is not in the vocabulary/,
    ],
    [
      'added token id clash',
      (j: Loose) => ((j.added_tokens[0] as Record<string, unknown>).id = 9),
      'added_tokens[0].id',
      /model.vocab gives/,
    ],
    [
      'added token content',
      (j: Loose) => ((j.added_tokens[1] as Record<string, unknown>).content = 5),
      'added_tokens[1].content',
      /non-empty string/,
    ],
  ])('%s → MALFORMED_FILE naming the file and field', (_, edit, field, message) => {
    let input: string;
    if (typeof edit === 'string') input = edit;
    else {
      const json = good();
      edit(json as unknown as Loose);
      input = JSON.stringify(json);
    }
    const error = errorOf(() => fromHfJson(input, { file: 'my/tokenizer.json' }));
    expect(error.code).toBe('MALFORMED_FILE');
    expect(error.file).toBe('my/tokenizer.json');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/^my\/tokenizer\.json: /);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['WordPiece', (j: Loose) => (j.model.type = 'WordPiece'), 'model.type'],
    ['normalizer', (j: Loose) => (j.normalizer = { type: 'NFC' }), 'normalizer'],
    [
      'prefix space',
      (j: Loose) => (j.pre_tokenizer.add_prefix_space = true),
      'pre_tokenizer.add_prefix_space',
    ],
    ['other pre-tokenizer', (j: Loose) => (j.pre_tokenizer = { type: 'Whitespace' }), 'pre_tokenizer.type'],
    ['byte fallback', (j: Loose) => (j.model.byte_fallback = true), 'model.byte_fallback'],
    [
      'lstrip',
      (j: Loose) => ((j.added_tokens[0] as Record<string, unknown>).lstrip = true),
      'added_tokens[0].lstrip',
    ],
    [
      'template post-processor',
      (j: Loose) => (j.post_processor = { type: 'TemplateProcessing' }),
      'post_processor.type',
    ],
    ['missing byte', (j: Loose) => delete j.model.vocab.Ġ, undefined],
  ])('%s → UNSUPPORTED naming the field', (_, edit, field) => {
    const json = good();
    edit(json as unknown as Loose);
    const error = errorOf(() => fromHfJson(json));
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/^tokenizer\.json: /);
  });
});
