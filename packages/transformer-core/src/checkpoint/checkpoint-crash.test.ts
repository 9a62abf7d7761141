import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { failAt } from './test-helpers/crashing-fs.js';

// Simulated crashes: the file system fails at a chosen point of a save, as a killed process would stop there.
vi.mock('node:fs/promises', async (original) =>
  (await import('./test-helpers/crashing-fs.js')).crashingFs(await original()),
);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-crash-'));
  failAt.open = '';
  failAt.rename = '';
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const save = (step: number) => tf.tidy(() => ({ step, config: { step }, params: { w: tf.fill([3], step) } }));

async function expectLatestIs(step: number) {
  const loaded = await loadCheckpoint(dir);
  expect(loaded.step).toBe(step);
  expect(Array.from(await (loaded.params.w as tf.Tensor).data())).toEqual([step, step, step]);
  tf.dispose(loaded.params);
}

describe('a save interrupted by a crash', () => {
  it('between writing two files leaves the previous checkpoint as the latest', async () => {
    await saveCheckpoint(dir, save(1));
    failAt.open = 'trainer-state.json';
    await expect(saveCheckpoint(dir, save(2))).rejects.toThrow(/simulated crash/);
    failAt.open = ''; // the crashed process is gone; a new one reads
    expect((await readdir(dir)).filter((name) => name.startsWith('ckpt-'))).toEqual(['ckpt-00000001']);
    await expectLatestIs(1);
  });

  it('before the latest pointer moves still loads the previous checkpoint', async () => {
    await saveCheckpoint(dir, save(1));
    failAt.rename = 'latest';
    await expect(saveCheckpoint(dir, save(2))).rejects.toThrow(/simulated crash/);
    await expectLatestIs(1);
    // The next save recovers: stale temporaries go, the pointer moves on.
    failAt.rename = '';
    await saveCheckpoint(dir, save(3));
    await expectLatestIs(3);
    expect((await readdir(dir)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('before a new step is renamed into place keeps the previous step', async () => {
    await saveCheckpoint(dir, save(1));
    failAt.rename = 'ckpt-00000002';
    await expect(saveCheckpoint(dir, save(2))).rejects.toThrow(/simulated crash/);
    await expectLatestIs(1);
  });

  it('while replacing a checkpoint of the same step keeps that step loadable, then restores it', async () => {
    await saveCheckpoint(dir, save(1));
    // The old copy has been moved aside; the crash hits the rename of the new copy into its place.
    failAt.rename = 'ckpt-00000001';
    await expect(saveCheckpoint(dir, save(1))).rejects.toThrow(/simulated crash/);
    expect(await readdir(dir)).not.toContain('ckpt-00000001');
    const loaded = await loadCheckpoint(dir);
    expect(loaded.step).toBe(1);
    expect(Array.from(await (loaded.params.w as tf.Tensor).data())).toEqual([1, 1, 1]);
    tf.dispose(loaded.params);
    failAt.rename = '';
    await saveCheckpoint(dir, save(2)); // the next save puts the aside copy back first
    expect((await readdir(dir)).filter((name) => name.startsWith('ckpt-')).sort()).toEqual([
      'ckpt-00000001',
      'ckpt-00000002',
    ]);
  });
});
