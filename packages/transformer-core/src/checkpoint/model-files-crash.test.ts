import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { TINY } from '../../test/variants.js';
import { createModel, type TransformerModel } from '../model.js';
import { CheckpointError } from './errors.js';
import { loadModel, saveModel } from './model-files.js';
import { failAt } from './test-helpers/crashing-fs.js';

// Simulated crashes: the file system fails at a chosen point of a save, as a killed process would stop there.
vi.mock('node:fs/promises', async (original) =>
  (await import('./test-helpers/crashing-fs.js')).crashingFs(await original()),
);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-model-crash-'));
  failAt.open = '';
  failAt.rename = '';
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logitsOf(model: TransformerModel): Promise<number[]> {
  const [logits] = model.forward([[1, 2, 3]]).logits;
  const values = Array.from(await (logits as tf.Tensor).data());
  tf.dispose(logits);
  return values;
}

async function expectLoads(expected: TransformerModel) {
  const loaded = await loadModel(dir);
  expect(loaded.config).toEqual(expected.config);
  expect(await logitsOf(loaded)).toEqual(await logitsOf(expected));
  loaded.dispose();
}

/** Saves `old`, then `next` with a crash at `crash`; the file system works again afterwards. */
async function interruptedSave(old: TransformerModel, next: TransformerModel, crash: Partial<typeof failAt>) {
  await saveModel(dir, old);
  Object.assign(failAt, crash);
  await expect(saveModel(dir, next)).rejects.toThrow(/simulated crash/);
  Object.assign(failAt, { open: '', rename: '' });
}

describe('a saveModel interrupted by a crash', () => {
  const cases = [
    ['while writing the new weights', { open: '.tmp-model.safetensors-' }],
    ['before the new weights are renamed into place', { rename: 'model.safetensors' }],
    ['before the new config is renamed into place', { rename: 'config.json' }],
  ] as const;

  it.each(cases)('%s, with the same config, leaves a consistent model', async (_, crash) => {
    // A later save of the same architecture: other weights, same config.
    const old = createModel(TINY, { seed: 1 });
    const next = createModel(TINY, { seed: 2 });
    await interruptedSave(old, next, crash);
    // Before the weights move the old model is intact; after, the config was the same all along.
    await expectLoads('open' in crash || crash.rename === 'model.safetensors' ? old : next);
    old.dispose();
    next.dispose();
  });

  it.each(cases)(
    '%s, with another config, never pairs a config with the other model’s weights',
    async (_, crash) => {
      // Tensors of the same names and shapes: a pair mixing the two models would load without complaint.
      const old = createModel({ ...TINY, positional: 'rope' }, { seed: 1 });
      const next = createModel({ ...TINY, positional: 'rope', ropeBase: 500 }, { seed: 3 });
      await interruptedSave(old, next, crash);
      const before = tf.memory().numTensors;
      const error = await thrown(CheckpointError, () => loadModel(dir));
      expect(error.file).toBe(join(dir, 'config.json'));
      expect(tf.memory().numTensors).toBe(before);
      // Saving again completes the interrupted save.
      await saveModel(dir, next);
      await expectLoads(next);
      expect((await readdir(dir)).filter((name) => !name.startsWith('.tmp-')).sort()).toEqual([
        'config.json',
        'model.safetensors',
      ]);
      old.dispose();
      next.dispose();
    },
  );
});
