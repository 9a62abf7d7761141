import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenizerError } from '../errors.js';
import { trainBpe } from '../train/bpe.js';
import { loadGpt2Files, loadTokenizer, saveTokenizer } from './files.js';
import { toHfJson } from './hf-json.js';

const dir = mkdtempSync(join(tmpdir(), 'bntp-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tokenizer files', () => {
  const tokenizer = trainBpe('the cat sat on the mat '.repeat(5), { vocabSize: 280 }).withSpecialTokens([
    '<bot>',
  ]);

  it('saves atomically and loads back identically', async () => {
    const path = join(dir, 'tokenizer.json');
    writeFileSync(path, 'old contents');
    await saveTokenizer(tokenizer, path);
    expect(readdirSync(dir)).toEqual(['tokenizer.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(toHfJson(tokenizer));
    const loaded = await loadTokenizer(path);
    const text = '<bot>the cat sat, the mat!';
    expect(loaded.encode(text)).toEqual(tokenizer.encode(text));
    expect(loaded.vocabSize).toBe(tokenizer.vocabSize);
  });

  it('creates a missing folder', async () => {
    const path = join(dir, 'new', 'deeper', 'tokenizer.json');
    await saveTokenizer(tokenizer, path);
    expect((await loadTokenizer(path)).encode(' the cat')).toEqual(tokenizer.encode(' the cat'));
  });

  it('names the real path, not a temporary file, and leaves none behind when the write fails', async () => {
    // A folder where the file should go: rename cannot replace it.
    const path = join(dir, 'taken');
    mkdirSync(join(path, 'inside'), { recursive: true });
    const error = await saveTokenizer(tokenizer, path).catch((e: unknown) => e);
    expect(TokenizerError.isInstance(error) && [error.code, error.file]).toEqual(['WRITE_FAILED', path]);
    expect((error as Error).message).toMatch(new RegExp(`^${path}: cannot be written \\(E[A-Z]+\\)\\.$`));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a missing file as not found', async () => {
    const missing = join(dir, 'nope.json');
    const error = await loadTokenizer(missing).catch((e: unknown) => e);
    expect(TokenizerError.isInstance(error) && [error.code, error.file]).toEqual(['NOT_FOUND', missing]);
    expect((error as Error).message).toBe(`${missing}: no such file.`);
    const gpt2 = await loadGpt2Files({ vocabPath: missing, mergesPath: missing }).catch((e: unknown) => e);
    expect(TokenizerError.isInstance(gpt2) && gpt2.code).toBe('NOT_FOUND');
  });

  it('rejects invalid UTF-8 naming the byte, instead of replacing it with U+FFFD', async () => {
    const path = join(dir, 'latin1.json');
    const json = JSON.stringify(toHfJson(tokenizer));
    // "<bot>" becomes "<b\xF6t>": a lone Latin-1 byte, not UTF-8.
    const at = Buffer.byteLength(json.slice(0, json.indexOf('<bot>') + 2));
    const bytes = Buffer.from(json);
    bytes[at] = 0xf6;
    writeFileSync(path, bytes);
    await expect(loadTokenizer(path)).rejects.toThrow(`${path}: is not valid UTF-8 (byte offset ${at}).`);
  });

  it('reads only regular files', async () => {
    const error = await loadTokenizer('/dev/zero').catch((e: unknown) => e);
    expect(TokenizerError.isInstance(error) && [error.code, error.message]).toEqual([
      'MALFORMED_FILE',
      '/dev/zero: is not a regular file.',
    ]);
    await expect(loadTokenizer(dir)).rejects.toThrow(`${dir}: is not a regular file.`);
  });

  it('names the path of a file that cannot be parsed', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"model": {"type": "BPE", "vocab": {}, "merges": [1]}}');
    await expect(loadTokenizer(broken)).rejects.toThrow(`${broken}: \`model.merges[0]\``);
  });

  it('loads vocab.json + merges.txt from disk', async () => {
    const json = toHfJson(tokenizer);
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(json.model.vocab));
    writeFileSync(join(dir, 'merges.txt'), `#version: 0.2\n${json.model.merges.join('\n')}\n`);
    const loaded = await loadGpt2Files({
      vocabPath: join(dir, 'vocab.json'),
      mergesPath: join(dir, 'merges.txt'),
      specialTokens: ['<eos>'],
    });
    expect(loaded.encode('the cat<eos>')).toEqual(tokenizer.encode('the cat<eos>'));
  });
});
