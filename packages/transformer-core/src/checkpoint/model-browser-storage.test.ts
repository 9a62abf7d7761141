import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { TINY, VARIANTS } from '../../test/variants.js';
import { createModel, type TransformerModel } from '../model.js';
import { CheckpointError } from './errors.js';
import { loadModelFromBlob, modelToBlob } from './model-blob.js';
import { CONFIG_METADATA_KEY, modelFromSafetensors, modelToSafetensors } from './model-bytes.js';
import { saveModel } from './model-files.js';
import {
  deleteModelFromIndexedDB,
  listModelsInIndexedDB,
  loadModelFromIndexedDB,
  saveModelToIndexedDB,
} from './model-indexeddb.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** Checks that `load` gives a model equal to `model` (config, and every weight bit for bit), and disposes it. */
async function expectSameModel(model: TransformerModel, load: () => Promise<TransformerModel>) {
  const loaded = await load();
  try {
    expect(loaded.config).toEqual(model.config);
    expect(decodeSafetensors(await modelToSafetensors(loaded)).tensors).toEqual(
      decodeSafetensors(await modelToSafetensors(model)).tensors,
    );
  } finally {
    loaded.dispose();
  }
}

describe('modelToBlob and loadModelFromBlob', () => {
  it.each(VARIANTS)('%s: round-trips the config and every weight', async (_, config) => {
    const model = createModel(config, { seed: 3 });
    const before = tf.memory().numTensors;
    const blob = await modelToBlob(model);
    expect(tf.memory().numTensors).toBe(before);
    const file = new File([blob], 'tiny.safetensors');
    await expectSameModel(model, () => loadModelFromBlob(file, { seed: 99 }));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('holds the same tensors as saveModel’s model.safetensors, and loads that file with its config.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bntp-blob-'));
    const model = createModel({ ...TINY, positional: 'rope' }, { seed: 5 });
    try {
      await saveModel(dir, model);
      const weightsFile = await readFile(join(dir, 'model.safetensors'));
      const bytes = await modelToSafetensors(model);
      const ours = decodeSafetensors(bytes);
      expect(ours.tensors).toEqual(decodeSafetensors(weightsFile).tensors);
      expect(ours.metadata).toEqual({ format: 'pt', [CONFIG_METADATA_KEY]: JSON.stringify(model.config) });
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      await expectSameModel(model, () => loadModelFromBlob(new Blob([weightsFile]), { config }));
    } finally {
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a weights file without a config, naming the file and what to pass', async () => {
    const model = createModel(TINY);
    const { tensors } = decodeSafetensors(await modelToSafetensors(model));
    model.dispose();
    const before = tf.memory().numTensors;
    const bytes = encodeSafetensors(tensors, { format: 'pt' }) as Uint8Array<ArrayBuffer>;
    const file = new File([bytes], 'weights.safetensors');
    const error = await thrown(CheckpointError, () => loadModelFromBlob(file));
    expect(error.code).toBe('CHECKPOINT_INVALID');
    expect(error.message).toBe(
      'weights.safetensors: no model config in the safetensors metadata (key "config"); ' +
        'pass the config.json saved beside the weights as options.config',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses weights that do not fit the config and leaves nothing allocated', async () => {
    const model = createModel(TINY);
    const bytes = await modelToSafetensors(model);
    model.dispose();
    const before = tf.memory().numTensors;
    const error = await thrown(CheckpointError, () =>
      modelFromSafetensors(bytes, { config: { ...TINY, dModel: 16 }, source: 'x.safetensors' }),
    );
    expect(error.code).toBe('CHECKPOINT_MISMATCH');
    expect(error.file).toBe('x.safetensors');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('IndexedDB', () => {
  beforeEach(() => {
    (globalThis as { indexedDB?: IDBFactory }).indexedDB = new IDBFactory(); // a fresh, empty IndexedDB
  });
  afterEach(() => {
    delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  });

  it('saves, lists, loads, replaces and deletes models by key', async () => {
    const a = createModel(TINY, { seed: 1 });
    const b = createModel({ ...TINY, norm: 'rmsnorm' }, { seed: 2 });
    const before = tf.memory().numTensors;
    await saveModelToIndexedDB('b', b);
    await saveModelToIndexedDB('a', b);
    await saveModelToIndexedDB('a', a); // replaces
    expect(tf.memory().numTensors).toBe(before);
    expect(await listModelsInIndexedDB()).toEqual(['a', 'b']);
    await expectSameModel(a, () => loadModelFromIndexedDB('a'));
    await expectSameModel(b, () => loadModelFromIndexedDB('b'));
    await deleteModelFromIndexedDB('a');
    expect(await listModelsInIndexedDB()).toEqual(['b']);
    expect(await listModelsInIndexedDB({ database: 'other' })).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });

  it('a missing key is CHECKPOINT_NOT_FOUND naming the database and the key', async () => {
    const error = await thrown(CheckpointError, () => loadModelFromIndexedDB('nope', { database: 'mine' }));
    expect(error.code).toBe('CHECKPOINT_NOT_FOUND');
    expect(error.message).toBe('indexeddb:mine/nope: no model is saved under this key');
  });

  it('without IndexedDB (Node) the error says to use saveModel', async () => {
    delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    const model = createModel(TINY);
    const error = await thrown(CheckpointError, () => saveModelToIndexedDB('k', model));
    model.dispose();
    expect(error.code).toBe('CHECKPOINT_UNSUPPORTED');
    expect(error.message).toBe(
      'indexeddb:beyond-ntp: IndexedDB is not available here; in Node save models to a directory with saveModel(dir, model)',
    );
  });
});
