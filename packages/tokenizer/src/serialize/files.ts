// Node file helpers. `node:fs` is imported lazily (and marked for bundlers to leave alone) so that browser
// bundles of this package never load it.
import { TokenizerError } from '../errors.js';
import type { Tokenizer } from '../tokenizer.js';
import { fromGpt2Files } from './gpt2-files.js';
import { fromHfJson, toHfJson } from './hf-json.js';

async function readText(path: string): Promise<string> {
  const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TokenizerError('MALFORMED_FILE', `${path}: cannot be read (${(error as Error).message}).`, {
      file: path,
    });
  }
}

/** Reads a Hugging Face `tokenizer.json` file (Node). */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  return fromHfJson(await readText(path), { file: path });
}

/**
 * Writes the tokenizer as a Hugging Face `tokenizer.json` file (Node). The file is written beside the target
 * and renamed over it, so a crash never leaves a half-written tokenizer.
 */
export async function saveTokenizer(tokenizer: Tokenizer, path: string): Promise<void> {
  const { rename, rm, writeFile } = await import(
    /* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises'
  );
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(toHfJson(tokenizer), null, 2)}\n`);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Options for {@link loadGpt2Files}. */
export interface LoadGpt2FilesOptions {
  /** Path of vocab.json. */
  vocabPath: string;
  /** Path of merges.txt. */
  mergesPath: string;
  /** Vocabulary entries to treat as special tokens. @default ['<|endoftext|>'] when vocab.json has it, else [] */
  specialTokens?: readonly string[];
}

/** Reads GPT-2's vocab.json + merges.txt (Node). */
export async function loadGpt2Files(options: LoadGpt2FilesOptions): Promise<Tokenizer> {
  const [vocab, merges] = await Promise.all([readText(options.vocabPath), readText(options.mergesPath)]);
  return fromGpt2Files({
    vocab,
    merges,
    vocabFile: options.vocabPath,
    mergesFile: options.mergesPath,
    specialTokens: options.specialTokens,
  });
}
