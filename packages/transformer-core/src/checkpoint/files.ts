// The file operations checkpoints and saved models share: durable writes, atomic replacement, and bounded reads
// of untrusted files that turn a missing or malformed file into a CheckpointError naming it.
import { describeValue, parseUntrustedJson } from '@beyond-ntp/errors';
import type * as tf from '@tensorflow/tfjs-core';
import { ifMissing, joinPath as join, nodeFs } from '../node-fs.js';
import { CheckpointError } from './errors.js';
import {
  encodeSafetensors,
  parseSafetensorsHeader,
  safetensorsHeaderLength,
  tensorsOf,
} from './safetensors.js';
import { fromRawTensors, toRawTensors } from './tensors.js';

/** Prefix of every temporary entry a save creates; nothing else in a checkpoint or model directory starts so. */
export const TEMP_PREFIX = '.tmp-';

/**
 * Largest JSON file (`config.json`, `trainer-state.json`) a checkpoint may hold, and its deepest nesting. A
 * model config is 2 levels deep and a few hundred bytes; the limits only keep a crafted file from costing
 * unbounded memory, or a stack overflow in whatever walks the parsed value.
 */
export const JSON_FILE_LIMITS = { maxBytes: 16 * 1024 * 1024, maxDepth: 64 } as const;

/** @internal Bytes read by the bounded readers of this module since the process started (tests read it). */
export const bytesRead = { total: 0 };

/** Writes `contents` to `file` and fsyncs it, so it is on disk before any rename that publishes it. */
export async function writeDurably(file: string, contents: Uint8Array | string): Promise<void> {
  const handle = await (await nodeFs()).open(file, 'w');
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory so a rename inside it survives power loss; unsupported on some platforms (Windows). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await (await nodeFs()).open(dir, 'r');
    await handle.sync();
  } catch {
    // Directory fsync is best effort: the renames are still atomic, only their durability is weaker.
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `<dir>/<name>` atomically: a reader sees the old file or the new one, never a mix, whenever the
 * process dies. The contents go to `<dir>/.tmp-<name>-<pid>`, fsynced, then renamed over the target.
 */
export async function replaceFile(dir: string, name: string, contents: Uint8Array | string): Promise<void> {
  const temp = join(dir, `${TEMP_PREFIX}${name}-${process.pid}`);
  await writeDurably(temp, contents);
  await (await nodeFs()).rename(temp, join(dir, name));
  await syncDirectory(dir);
}

/**
 * `tensors` as the bytes of a safetensors file, readable by PyTorch and Hugging Face loaders. With
 * `finiteIn`, a NaN or infinite value is refused with a CheckpointError naming that file and the tensor.
 */
export async function safetensorsBytes(
  tensors: Record<string, tf.Tensor>,
  finiteIn?: string,
): Promise<Uint8Array> {
  const raw = await toRawTensors(tensors);
  if (finiteIn !== undefined) {
    for (const [name, { data }] of Object.entries(raw)) {
      const bad = data instanceof Float32Array ? data.findIndex((v) => !Number.isFinite(v)) : -1;
      if (bad >= 0) {
        throw new CheckpointError(
          'CHECKPOINT_INVALID',
          finiteIn,
          `tensor ${describeValue(name)} holds ${data[bad]} at index ${bad}; a checkpoint never holds non-finite values`,
        );
      }
    }
  }
  // `format: pt` is what Hugging Face loaders expect in the metadata of PyTorch-compatible safetensors files.
  return encodeSafetensors(raw, { format: 'pt' });
}

/**
 * Parses a JSON file of at most {@link JSON_FILE_LIMITS}; a missing file is `CHECKPOINT_NOT_FOUND`; a file
 * that is not a regular file, too large, too deeply nested or not JSON is `CHECKPOINT_INVALID`.
 */
export async function readJson(file: string): Promise<unknown> {
  const bytes = await readRegularFile(file, JSON_FILE_LIMITS.maxBytes, async (reader) =>
    reader.read(0, reader.size),
  );
  if (bytes === undefined) throw new CheckpointError('CHECKPOINT_NOT_FOUND', file, 'file is missing');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CheckpointError('CHECKPOINT_INVALID', file, 'not valid UTF-8');
  }
  const parsed = parseUntrustedJson(text, { maxDepth: JSON_FILE_LIMITS.maxDepth });
  if (!parsed.ok) throw new CheckpointError('CHECKPOINT_INVALID', file, parsed.problem);
  return parsed.value;
}

/**
 * The tensors of a safetensors file (the caller disposes them), or `undefined` when the file does not exist.
 * The header is read and validated in full before any tensor data; then exactly the data section it
 * describes, whose size must be the rest of the file. Reads regular files only.
 */
export async function readSafetensors(file: string): Promise<Record<string, tf.Tensor> | undefined> {
  const raw = await readRegularFile(file, Number.MAX_SAFE_INTEGER, async (reader) => {
    const headerLength = safetensorsHeaderLength(
      await reader.read(0, Math.min(8, reader.size)),
      reader.size,
      file,
    );
    const header = parseSafetensorsHeader(await reader.read(8, headerLength), reader.size, file);
    const data = await reader.read(header.dataStart, reader.size - header.dataStart);
    return tensorsOf(header, data, 0);
  });
  return raw === undefined ? undefined : fromRawTensors(raw);
}

/** Reads parts of an open regular file of `size` bytes. */
interface FileReader {
  size: number;
  /** Exactly `length` bytes from `position`, in a fresh buffer; a file that shrank underneath is an error. */
  read(position: number, length: number): Promise<Uint8Array>;
}

/**
 * Opens `file` (following symlinks) and runs `body` on it if it is a regular file of at most `maxBytes`;
 * `undefined` when it does not exist. A device, FIFO or directory is refused before anything is read from it
 * (`/dev/zero` would never end), and the open does not block on a FIFO.
 */
async function readRegularFile<T>(
  file: string,
  maxBytes: number,
  body: (reader: FileReader) => Promise<T>,
): Promise<T | undefined> {
  const fs = await nodeFs();
  const { O_RDONLY, O_NONBLOCK = 0 } = fs.constants;
  const handle = await fs.open(file, O_RDONLY | O_NONBLOCK).catch(ifMissing(undefined));
  if (handle === undefined) return undefined;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID',
        file,
        'not a regular file (a device, FIFO or directory)',
      );
    }
    if (stat.size > maxBytes) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID',
        file,
        `${stat.size} bytes exceed the limit of ${maxBytes}`,
      );
    }
    return await body({
      size: stat.size,
      async read(position, length) {
        const buffer = new Uint8Array(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead: got } = await handle.read(buffer, filled, length - filled, position + filled);
          if (got === 0)
            throw new CheckpointError('CHECKPOINT_INVALID', file, 'file shrank while being read');
          filled += got;
          bytesRead.total += got;
        }
        return buffer;
      },
    });
  } finally {
    await handle.close();
  }
}
