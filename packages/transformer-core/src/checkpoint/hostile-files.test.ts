// Checkpoints are downloaded and shared, so every loader treats them as untrusted. Each crafted file below is
// refused with an error naming the file and the field, within a stated bound:
// - safetensors: at most 8 + the announced header length bytes are read (`bytesRead`, counted by the reader)
//   before a bad file is refused, the header is at most SAFETENSORS_LIMITS.maxHeaderBytes, and no tensor data is
//   read or allocated until the whole header is valid; devices and FIFOs are refused before any read;
// - JSON files: at most JSON_FILE_LIMITS.maxBytes are read, nesting is checked in one linear pass before
//   parsing, and error messages quote at most 120 characters of any value.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { TINY } from '../../test/variants.js';
import { ConfigError } from '../errors.js';
import { createModel } from '../model.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CheckpointError } from './errors.js';
import { bytesRead, JSON_FILE_LIMITS } from './files.js';
import { loadModel, saveModel } from './model-files.js';
import { SAFETENSORS_LIMITS } from './safetensors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-hostile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A safetensors file: 8-byte length, `header` (JSON text, unpadded), then `dataBytes` zero bytes. */
function safetensors(header: string, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const entry = (dtype: string, shape: number[], begin: number, end: number) =>
  JSON.stringify({ dtype, shape, data_offsets: [begin, end] });

/** A model directory whose `model.safetensors` is `weights`; returns the weights' path. */
async function modelDirWith(weights: Uint8Array | (() => Promise<void>)): Promise<string> {
  const model = createModel(TINY);
  await saveModel(dir, model);
  model.dispose();
  const file = join(dir, 'model.safetensors');
  await rm(file);
  if (typeof weights === 'function') await weights();
  else await writeFile(file, weights);
  return file;
}

/**
 * The CheckpointError of loading `dir`, with the bytes read from `model.safetensors` to reach it (all those read,
 * less the config.json read first); no tensor is left allocated.
 */
async function refusal(): Promise<{ error: CheckpointError; read: number }> {
  const before = tf.memory().numTensors;
  const configBytes = (await stat(join(dir, 'config.json'))).size;
  const start = bytesRead.total;
  const error = await thrown(CheckpointError, () => loadModel(dir));
  expect(tf.memory().numTensors).toBe(before);
  return { error, read: bytesRead.total - start - configBytes };
}

describe('hostile safetensors files', () => {
  it('1,000 names over the same 4 MiB: refused from the header alone, the 4 MiB never read', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `"t${i}":${entry('F32', [1 << 20], 0, 1 << 22)}`);
    const header = `{${names.join(',')}}`;
    const file = await modelDirWith(safetensors(header, 1 << 22));
    const { error, read } = await refusal();
    expect(error.file).toBe(file);
    expect(error.message).toBe(
      `${file}: not a valid safetensors file: tensor "t1" starts at 0 but the previous data ends at 4194304 (gap or overlap)`,
    );
    expect(read).toBe(8 + header.length);
  });

  it.each([
    [
      'out of range',
      `{"a":${entry('F32', [2], 0, 8)}}`,
      4,
      'tensor "a" data ends at 8, past the 4-byte data section',
    ],
    [
      'non-contiguous',
      `{"a":${entry('F32', [1], 4, 8)}}`,
      8,
      'tensor "a" starts at 4 but the previous data ends at 0 (gap or overlap)',
    ],
    [
      'file longer than its tensors',
      `{"a":${entry('F32', [1], 0, 4)}}`,
      4096,
      'tensors cover 4 of 4096 data bytes',
    ],
    [
      'size not matching the shape',
      `{"a":${entry('F32', [3], 0, 8)}}`,
      8,
      'tensor "a" data_offsets [0, 8] do not hold shape [3] of F32',
    ],
    [
      'a moment of dtype F16',
      `{"a":${entry('F16', [2], 0, 4)}}`,
      4,
      'tensor "a" has dtype "F16"; only F32 and I32 are supported',
    ],
    [
      'rank 9',
      `{"a":${entry('F32', [1, 1, 1, 1, 1, 1, 1, 1, 1], 0, 4)}}`,
      4,
      'tensor "a" shape must be an array of at most 8 non-negative integers',
    ],
    [
      'nesting 100,000 deep',
      `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      0,
      'header nests arrays and objects deeper than 3 levels (at character 7).',
    ],
  ])('%s: refused naming the file and tensor, data unread', async (_, header, dataBytes, reason) => {
    const file = await modelDirWith(safetensors(header, dataBytes));
    const { error, read } = await refusal();
    expect(error.message).toBe(`${file}: not a valid safetensors file: ${reason}`);
    expect(read).toBe(8 + header.length);
  });

  it('a header announcing 2^40 bytes, or a 95 MB header: refused after reading 8 bytes', async () => {
    const file = await modelDirWith(async () => {
      const prefix = new Uint8Array(8);
      new DataView(prefix.buffer).setBigUint64(0, 95_000_000n, true);
      await writeFile(join(dir, 'model.safetensors'), prefix);
      await truncate(join(dir, 'model.safetensors'), 8 + 95_000_000); // sparse: the size of 1.66M empty tensors
    });
    const { error, read } = await refusal();
    expect(error.message).toBe(
      `${file}: not a valid safetensors file: header length 95000000 exceeds the limit of ${SAFETENSORS_LIMITS.maxHeaderBytes} bytes`,
    );
    expect(read).toBe(8);
  });

  it(`more than ${SAFETENSORS_LIMITS.maxTensors} tensors: refused before any is built`, async () => {
    const count = SAFETENSORS_LIMITS.maxTensors + 1;
    const header = `{${Array.from({ length: count }, (_, i) => `"${i}":${entry('F32', [0], 0, 0)}`).join(',')}}`;
    const file = await modelDirWith(safetensors(header, 0));
    const { error, read } = await refusal();
    expect(error.message).toBe(
      `${file}: not a valid safetensors file: header lists ${count} tensors, more than the limit of 100000`,
    );
    expect(read).toBe(8 + header.length);
  });

  it('a symlink to /dev/zero and a FIFO: refused before reading a byte', async () => {
    const file = await modelDirWith(() => symlink('/dev/zero', join(dir, 'model.safetensors')));
    const zero = await refusal();
    expect(zero.error.message).toBe(`${file}: not a regular file (a device, FIFO or directory)`);
    expect(zero.read).toBe(0);
    await rm(file);
    execFileSync('mkfifo', [file]); // opened without blocking, though nothing writes to it
    const fifo = await refusal();
    expect(fifo.error.message).toBe(`${file}: not a regular file (a device, FIFO or directory)`);
    expect(fifo.read).toBe(0);
  });
});

describe('hostile JSON files', () => {
  async function checkpointWith(file: 'config.json' | 'trainer-state.json', text: string | Uint8Array) {
    const path = await saveCheckpoint(dir, { step: 1, config: TINY, params: { w: tf.zeros([2]) } });
    await writeFile(join(path, file), text);
    return join(path, file);
  }

  it.each(['config.json', 'trainer-state.json'] as const)(
    '%s nested 100,000 deep: refused naming the file, before parsing',
    async (name) => {
      const file = await checkpointWith(name, `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
      const error = await thrown(CheckpointError, () => loadCheckpoint(dir));
      expect(error.message).toBe(
        `${file}: nests arrays and objects deeper than ${JSON_FILE_LIMITS.maxDepth} levels (at character 68).`,
      );
    },
  );

  it('config.json nested 100,000 deep in a model directory: refused naming the file', async () => {
    const model = createModel(TINY);
    await saveModel(dir, model);
    model.dispose();
    await writeFile(join(dir, 'config.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const error = await thrown(CheckpointError, () => loadModel(dir));
    expect(error.file).toBe(join(dir, 'config.json'));
    expect(error.code).toBe('CHECKPOINT_INVALID');
  });

  it('a 10 MB string in config.json: a ConfigError of a few hundred characters naming file and field', async () => {
    const model = createModel(TINY);
    await saveModel(dir, model);
    model.dispose();
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ ...TINY, norm: 'x'.repeat(10_000_000) }));
    const error = await thrown(ConfigError, () => loadModel(dir));
    expect(error.file).toBe(file);
    expect(error.field).toBe('norm');
    expect(error.message.length).toBeLessThan(file.length + 200);
    expect(error.message).toContain('(10000000 chars)');
  });

  it('a config.json over the size limit is refused by its size, unread', async () => {
    const model = createModel(TINY);
    await saveModel(dir, model);
    model.dispose();
    const file = join(dir, 'config.json');
    await writeFile(file, '');
    await truncate(file, 50_000_000);
    const start = bytesRead.total;
    const error = await thrown(CheckpointError, () => loadModel(dir));
    expect(error.message).toBe(`${file}: 50000000 bytes exceed the limit of ${JSON_FILE_LIMITS.maxBytes}`);
    expect(bytesRead.total - start).toBe(0);
  });

  it('a config within every field limit but of 3.3e12 parameters: ConfigError before allocating', async () => {
    const model = createModel(TINY);
    await saveModel(dir, model);
    model.dispose();
    const file = join(dir, 'config.json');
    const huge = { vocabSize: 50257, contextLength: 1024, dModel: 16384, nLayers: 1024, nHeads: 16 };
    await writeFile(file, JSON.stringify(huge));
    const before = tf.memory().numBytes;
    const error = await thrown(ConfigError, () => loadModel(dir));
    expect(error.file).toBe(file);
    expect(error.field).toBe('(size)');
    expect(tf.memory().numBytes).toBe(before);
  });

  it('config.json and trainer-state.json as devices: refused naming the file', async () => {
    const path = await saveCheckpoint(dir, { step: 1, config: TINY, params: { w: tf.zeros([2]) } });
    for (const name of ['config.json', 'trainer-state.json']) {
      await rm(join(path, name));
      await symlink('/dev/zero', join(path, name));
      const error = await thrown(CheckpointError, () => loadCheckpoint(dir));
      expect(error.message).toBe(`${join(path, name)}: not a regular file (a device, FIFO or directory)`);
      await rm(join(path, name));
      await writeFile(join(path, name), '{}');
    }
  });
});
