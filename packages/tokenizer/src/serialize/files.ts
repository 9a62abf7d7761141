// Node file helpers. `node:fs` is imported lazily (and marked for bundlers to leave alone) so that browser
// bundles of this package never load it.
import { TokenizerError } from '../errors.js';
import type { Tokenizer } from '../tokenizer.js';
import { fromGpt2Files } from './gpt2-files.js';
import { fromHfJson, MAX_TOKENIZER_FILE_BYTES, toHfJson } from './hf-json.js';

export { MAX_TOKENIZER_FILE_BYTES };

const nodeFs = () => import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');

/** The error's code (ENOENT, EACCES, …) or its message: never a temp path the caller did not name. */
const reason = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

/**
 * Reads a UTF-8 text file: a regular file of at most MAX_TOKENIZER_FILE_BYTES (a device or FIFO would never
 * end), decoded strictly, since a replacement character silently put in a token would change what it matches.
 */
async function readText(path: string): Promise<string> {
  const { open } = await nodeFs();
  let bytes: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        throw new TokenizerError('MALFORMED_FILE', `${path}: is not a regular file.`, { file: path });
      }
      if (info.size > MAX_TOKENIZER_FILE_BYTES) {
        throw new TokenizerError(
          'MALFORMED_FILE',
          `${path}: is ${info.size} bytes; tokenizer files are read up to ${MAX_TOKENIZER_FILE_BYTES} bytes.`,
          { file: path },
        );
      }
      bytes = new Uint8Array(info.size);
      const { bytesRead } = await handle.read(bytes, 0, info.size, 0);
      bytes = bytes.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (TokenizerError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new TokenizerError('NOT_FOUND', `${path}: no such file.`, { file: path });
    }
    throw new TokenizerError('READ_FAILED', `${path}: cannot be read (${reason(error)}).`, { file: path });
  }
  return decodeUtf8(bytes, path);
}

/** Strict UTF-8 decoding; the error names the byte offset of the first ill-formed sequence. */
function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Binary search for the shortest prefix that fails; streaming decode tolerates a sequence cut at the end.
    let good = 0;
    let bad = bytes.length;
    while (bad - good > 1) {
      const mid = (good + bad) >>> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        good = mid;
      } catch {
        bad = mid;
      }
    }
    throw new TokenizerError('MALFORMED_FILE', `${path}: is not valid UTF-8 (byte offset ${bad - 1}).`, {
      file: path,
    });
  }
}

/** Reads a Hugging Face `tokenizer.json` file (Node). */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  return fromHfJson(await readText(path), { file: path });
}

/**
 * Writes the tokenizer as a Hugging Face `tokenizer.json` file (Node), creating its folder if needed. The file
 * is written beside the target and renamed over it, so a crash never leaves a half-written tokenizer.
 */
export async function saveTokenizer(tokenizer: Tokenizer, path: string): Promise<void> {
  const { mkdir, rename, rm, writeFile } = await nodeFs();
  const { dirname } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path');
  const text = `${JSON.stringify(toHfJson(tokenizer), null, 2)}\n`;
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new TokenizerError('WRITE_FAILED', `${path}: cannot be written (${reason(error)}).`, {
      file: path,
    });
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
