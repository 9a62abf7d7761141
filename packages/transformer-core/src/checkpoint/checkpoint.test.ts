import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CheckpointError } from './errors.js';
import { assignParams } from './tensors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = { vocabSize: 5, dModel: 2 };
function contents(step: number) {
  return {
    step,
    config,
    params: {
      'wte.weight': tf.tensor2d(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => v * step),
        [5, 2],
      ),
      'ln_f.bias': tf.tensor1d([0.25, -0.5]),
      'pos.ids': tf.tensor1d([0, 1, 2], 'int32'),
    },
    optimizerState: { 'exp_avg.wte.weight': tf.fill([5, 2], 0.125 * step) },
    trainerState: { seed: 7, batchesConsumed: 3 * step },
  };
}

async function expectSameTensors(actual: Record<string, tf.Tensor>, expected: Record<string, tf.Tensor>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, tensor] of Object.entries(expected)) {
    const other = actual[name] as tf.Tensor;
    expect(other.dtype, name).toBe(tensor.dtype);
    expect(other.shape, name).toEqual(tensor.shape);
    expect(Array.from(await other.data()), name).toEqual(Array.from(await tensor.data()));
  }
}

describe('checkpoints', () => {
  it('save then load gives identical tensors, config and trainer state', async () => {
    const saved = contents(3);
    const before = tf.memory().numTensors;
    const path = await saveCheckpoint(dir, saved);
    expect(tf.memory().numTensors).toBe(before);
    expect(path).toBe(join(dir, 'ckpt-00000003'));
    expect((await readdir(path)).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'optimizer.safetensors',
      'trainer-state.json',
    ]);
    expect(await readFile(join(dir, 'latest'), 'utf8')).toBe('ckpt-00000003\n');

    const loaded = await loadCheckpoint(dir);
    expect(loaded.step).toBe(3);
    expect(loaded.config).toEqual(config);
    expect(loaded.trainerState).toEqual({ seed: 7, batchesConsumed: 9, step: 3 });
    await expectSameTensors(loaded.params, saved.params);
    await expectSameTensors(loaded.optimizerState ?? {}, saved.optimizerState);
    tf.dispose([loaded.params, loaded.optimizerState ?? {}, saved.params, saved.optimizerState]);
  });

  it('keeps the newest `keep` checkpoints and loads any of them by step', async () => {
    for (const step of [10, 20, 30, 40]) await saveCheckpoint(dir, contents(step), { keep: 3 });
    expect(await listCheckpoints(dir)).toEqual([20, 30, 40]);
    const older = await loadCheckpoint(dir, { step: 20 });
    expect(Array.from(await (older.params['wte.weight'] as tf.Tensor).data()).slice(0, 2)).toEqual([20, 40]);
    await expect(loadCheckpoint(dir, { step: 10 })).rejects.toThrow(/no checkpoint of step 10/);
  });

  it('overwrites a checkpoint of the same step', async () => {
    await saveCheckpoint(dir, contents(5));
    await saveCheckpoint(dir, { ...contents(5), config: { changed: true } });
    expect(await listCheckpoints(dir)).toEqual([5]);
    expect((await loadCheckpoint(dir)).config).toEqual({ changed: true });
  });

  it('ignores and later removes a half-written temporary directory left by a crash', async () => {
    await saveCheckpoint(dir, contents(1));
    const partial = join(dir, '.tmp-ckpt-00000002-abc123');
    await mkdir(partial);
    await writeFile(join(partial, 'model.safetensors'), 'truncated');
    const loaded = await loadCheckpoint(dir);
    expect(loaded.step).toBe(1);
    await saveCheckpoint(dir, contents(2));
    expect((await readdir(dir)).sort()).toEqual(['ckpt-00000001', 'ckpt-00000002', 'latest']);
  });

  it('falls back to the newest checkpoint when the latest pointer is missing or stale', async () => {
    await saveCheckpoint(dir, contents(1));
    await saveCheckpoint(dir, contents(2));
    await rm(join(dir, 'latest'));
    expect((await loadCheckpoint(dir)).step).toBe(2);
    await writeFile(join(dir, 'latest'), 'ckpt-00000099\n');
    expect((await loadCheckpoint(dir)).step).toBe(2);
  });

  it('reports a missing or corrupt checkpoint with the file concerned', async () => {
    await expect(loadCheckpoint(join(dir, 'nothing-here'))).rejects.toSatisfy(
      (error) => CheckpointError.isInstance(error) && error.code === 'CHECKPOINT_NOT_FOUND',
    );
    const path = await saveCheckpoint(dir, contents(1));
    await writeFile(join(path, 'model.safetensors'), new Uint8Array(4));
    await expect(loadCheckpoint(dir)).rejects.toSatisfy(
      (error) =>
        CheckpointError.isInstance(error) &&
        error.code === 'CHECKPOINT_INVALID' &&
        error.file === join(path, 'model.safetensors'),
    );
    await writeFile(join(path, 'config.json'), '{ not json');
    await expect(loadCheckpoint(dir)).rejects.toThrow(/config\.json: is not valid JSON/);
  });

  it('rejects invalid save options', async () => {
    await expect(saveCheckpoint(dir, contents(1), { keep: 0 })).rejects.toThrow(
      /keep must be an integer >= 1/,
    );
    await expect(saveCheckpoint(dir, { ...contents(1), step: -1 })).rejects.toThrow(/step must be/);
    await expect(saveCheckpoint(dir, { ...contents(1), config: undefined })).rejects.toThrow(
      /JSON-serialisable/,
    );
  });
});

describe('assignParams', () => {
  it('copies tensors into variables and rejects any name, shape or dtype mismatch', () => {
    const params = { a: tf.variable(tf.zeros([2])), b: tf.variable(tf.zeros([1, 2])) };
    assignParams(params, { a: tf.tensor1d([1, 2]), b: tf.tensor2d([[3, 4]]) });
    expect(Array.from(params.b.dataSync())).toEqual([3, 4]);
    expect(() => assignParams(params, { a: tf.zeros([2]) }, 'x.safetensors')).toThrow(
      /x\.safetensors: .*missing \["b"\], unexpected \[\]/,
    );
    expect(() => assignParams(params, { a: tf.zeros([3]), b: tf.zeros([1, 2]) })).toThrow(
      /"a" is float32 \[3\], the model expects float32 \[2\]/,
    );
    tf.dispose(Object.values(params));
  });
});
