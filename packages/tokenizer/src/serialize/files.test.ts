import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('leaves no temporary file behind when the write fails', async () => {
    await expect(saveTokenizer(tokenizer, join(dir, 'missing-dir', 'tokenizer.json'))).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('names the path of a file that cannot be read or parsed', async () => {
    const missing = join(dir, 'nope.json');
    const error = await loadTokenizer(missing).catch((e: unknown) => e);
    expect(TokenizerError.isInstance(error) && [error.code, error.file]).toEqual(['MALFORMED_FILE', missing]);
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
