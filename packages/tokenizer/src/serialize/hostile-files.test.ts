import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { trainBpe } from '../train/bpe.js';
import { fromGpt2Files } from './gpt2-files.js';
import { fromHfJson, MAX_TOKEN_ID, toHfJson } from './hf-json.js';

// Tokenizer files are downloaded and shared: each crafted file below must be refused with the file and field
// named, in a message of bounded length, never with a stack overflow or a silently wrong tokenizer.
const tokenizer = trainBpe('hello world, hello there '.repeat(8), { vocabSize: 300 });
const good = () => JSON.parse(JSON.stringify(toHfJson(tokenizer)));
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile tokenizer.json', () => {
  it('an id of 2^53 − 1 is refused (it broke the merge lookup: "hello world" decoded as "heldo theld")', () => {
    const json = good();
    json.model.vocab.d = 2 ** 53 - 1;
    const error = errorOf(() => fromHfJson(json, { file: 'hostile.json' }));
    expect([error.code, error.file, error.field]).toEqual([
      'MALFORMED_FILE',
      'hostile.json',
      'model.vocab["d"]',
    ]);
    expect(error.message).toBe(
      `hostile.json: \`model.vocab["d"]\` is 9007199254740991; ids must be integers in 0..${MAX_TOKEN_ID}.`,
    );
    json.model.vocab.d = MAX_TOKEN_ID + 1;
    expect(errorOf(() => fromHfJson(json)).field).toBe('model.vocab["d"]');
  });

  it('the largest allowed id still encodes and decodes exactly', () => {
    const json = good();
    const old = json.model.vocab.d;
    json.model.vocab.d = MAX_TOKEN_ID;
    const loaded = fromHfJson(json);
    expect(loaded.decode(loaded.encode('hello world'))).toBe('hello world');
    expect(loaded.tokenToId('d')).toBe(MAX_TOKEN_ID);
    expect(old).not.toBe(MAX_TOKEN_ID);
  });

  it('two added tokens on one id are refused ("<a>" decoded as "<b>")', () => {
    const json = good();
    json.added_tokens.push(
      { ...json.added_tokens[0], id: 400, content: '<a>' },
      { ...json.added_tokens[0], id: 400, content: '<b>' },
    );
    const error = errorOf(() => fromHfJson(json));
    expect([error.field, error.message]).toEqual([
      'added_tokens[5].id',
      'tokenizer.json: `added_tokens[5].id` is 400, already the id of added token "<a>".',
    ]);
    json.added_tokens[5].id = 401;
    json.added_tokens[5].content = '<a>';
    expect(errorOf(() => fromHfJson(json)).field).toBe('added_tokens[5].content');
  });

  it('deep nesting is refused before anything walks it, naming the file', () => {
    for (const text of [
      `{"model": {"type": ${deep(100_000)}}}`,
      deep(100_000),
      `{"model": {"type": "BPE", "vocab": {"a": ${deep(100_000)}}}}`,
    ]) {
      const error = errorOf(() => fromHfJson(text, { file: 'deep/tokenizer.json' }));
      expect([error.code, error.file]).toEqual(['MALFORMED_FILE', 'deep/tokenizer.json']);
      expect(error.message).toMatch(/^deep\/tokenizer\.json: nests arrays and objects deeper than 64 levels/);
    }
    // Passed as an object, the same value is described in two levels, not walked.
    const json = good();
    let nested: unknown = 'BPE';
    for (let i = 0; i < 100_000; i++) nested = [nested];
    json.model.type = nested;
    expect(errorOf(() => fromHfJson(json)).message).toBe(
      'tokenizer.json: `model.type` is [[an array of 1 items]]; only "BPE" models load here.',
    );
  });

  it('huge strings give short messages', () => {
    const huge = 'x'.repeat(50_000_000);
    const json = good();
    json.model.type = huge;
    expect(errorOf(() => fromHfJson(json)).message.length).toBeLessThan(200);
    const vocab = good();
    vocab.model.vocab[huge] = -1;
    const error = errorOf(() => fromHfJson(vocab));
    expect(error.message.length).toBeLessThan(300);
    expect(error.field?.length).toBeLessThan(100);
    expect(errorOf(() => fromHfJson(`{"model": "${huge}`)).message.length).toBeLessThan(300);
  });
});

describe('hostile vocab.json + merges.txt', () => {
  const { vocab, merges } = good().model as { vocab: Record<string, number>; merges: string[] };
  const mergesTxt = merges.join('\n');

  it('deep nesting in vocab.json names vocab.json', () => {
    const error = errorOf(() =>
      fromGpt2Files({ vocab: `{"a": ${deep(100_000)}}`, merges: mergesTxt, vocabFile: 'my/vocab.json' }),
    );
    expect([error.file, error.message]).toEqual([
      'my/vocab.json',
      'my/vocab.json: nests arrays and objects deeper than 64 levels (at character 69).',
    ]);
  });

  it('ids out of range and huge lines are refused briefly', () => {
    const bad = JSON.stringify({ ...vocab, d: 2 ** 53 - 1 });
    expect(errorOf(() => fromGpt2Files({ vocab: bad, merges: mergesTxt })).message).toBe(
      `vocab.json: entry ["d"] is 9007199254740991; ids must be integers in 0..${MAX_TOKEN_ID}.`,
    );
    const hugeLine = `${'x'.repeat(10_000_000)} y z`;
    const error = errorOf(() => fromGpt2Files({ vocab: JSON.stringify(vocab), merges: hugeLine }));
    expect([error.file, error.line]).toEqual(['merges.txt', 1]);
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('large vocabularies', () => {
  it('loads a 200,000-entry vocabulary and encodes with it', () => {
    const json = good();
    let id = Object.keys(json.model.vocab).length;
    for (let i = 0; id < 200_000; i++) json.model.vocab[`Ġw${i}`] = id++;
    const loaded = fromHfJson(JSON.stringify(json));
    expect(loaded.vocabSize).toBe(200_000);
    expect(loaded.decode([199_999])).toBe(` w${199_999 - Object.keys(good().model.vocab).length}`);
    expect(loaded.encode('hello world')).toEqual(tokenizer.encode('hello world'));
  }, 60_000);
});
