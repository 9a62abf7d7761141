// The file operations checkpoints and saved models share: durable writes, atomic replacement, and reads that
// turn a missing or malformed file into a CheckpointError naming it.
import type * as tf from '@tensorflow/tfjs-core';
import { ifMissing, joinPath as join, nodeFs } from '../node-fs.js';
import { CheckpointError } from './errors.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { fromRawTensors, toRawTensors } from './tensors.js';

/** Prefix of every temporary entry a save creates; nothing else in a checkpoint or model directory starts so. */
export const TEMP_PREFIX = '.tmp-';

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

/** `tensors` as the bytes of a safetensors file, readable by PyTorch and Hugging Face loaders. */
export async function safetensorsBytes(tensors: Record<string, tf.Tensor>): Promise<Uint8Array> {
  // `format: pt` is what Hugging Face loaders expect in the metadata of PyTorch-compatible safetensors files.
  return encodeSafetensors(await toRawTensors(tensors), { format: 'pt' });
}

/** Parses a JSON file; a missing file is `CHECKPOINT_NOT_FOUND`, bad JSON `CHECKPOINT_INVALID`. */
export async function readJson(file: string): Promise<unknown> {
  const text = await (await nodeFs()).readFile(file, 'utf8').catch(ifMissing(undefined));
  if (text === undefined) throw new CheckpointError('CHECKPOINT_NOT_FOUND', file, 'file is missing');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError('CHECKPOINT_INVALID', file, `not valid JSON (${(error as Error).message})`);
  }
}

/** The tensors of a safetensors file (the caller disposes them), or `undefined` when the file does not exist. */
export async function readSafetensors(file: string): Promise<Record<string, tf.Tensor> | undefined> {
  const bytes = await (await nodeFs()).readFile(file).catch(ifMissing(undefined));
  if (bytes === undefined) return undefined;
  return fromRawTensors(decodeSafetensors(bytes, file).tensors);
}
