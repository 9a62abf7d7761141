import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { allHeads, TINY, VARIANTS } from '../../test/variants.js';
import type { ModelConfigInput } from '../config.js';
import { ConfigError } from '../errors.js';
import { createModel, type TransformerModel } from '../model.js';
import { saveCheckpoint } from './checkpoint.js';
import { CheckpointError } from './errors.js';
import { loadModel, saveModel } from './model-files.js';
import { encodeSafetensors, type RawTensor } from './safetensors.js';
import { toRawTensors } from './tensors.js';

const ids = [
  [1, 5, 2, 9],
  [0, 3, 3, 10],
];

/** Every requested head's logits on `ids`, as plain arrays. */
async function logitsOf(model: TransformerModel): Promise<number[][]> {
  const { logits } = model.forward(ids, { heads: allHeads(model.config) });
  const values = await Promise.all(logits.map(async (l) => Array.from(await l.data())));
  tf.dispose(logits);
  return values;
}

/** Loads `dir` and returns the loaded model's logits, disposing the model. */
async function loadedLogits(dir: string, options: Parameters<typeof loadModel>[1] = {}): Promise<number[][]> {
  const model = await loadModel(dir, options);
  try {
    return await logitsOf(model);
  } finally {
    model.dispose();
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-model-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveModel and loadModel', () => {
  it.each(VARIANTS)(
    '%s: round-trips the config and gives the same logits on every head',
    async (_, config) => {
      const model = createModel(config, { seed: 7 });
      await saveModel(dir, model);
      expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors']);
      expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual(model.config);
      const loaded = await loadModel(dir, { seed: 1 });
      expect(loaded.config).toEqual(model.config);
      expect(await logitsOf(loaded)).toEqual(await logitsOf(model));
      loaded.dispose();
      model.dispose();
    },
  );

  it('keeps numTensors: saving adds none, a loaded model holds exactly what a created one does', async () => {
    const model = createModel(TINY, { seed: 2 });
    const before = tf.memory().numTensors;
    await saveModel(dir, model);
    expect(tf.memory().numTensors).toBe(before);
    const fresh = createModel(TINY);
    const perModel = tf.memory().numTensors - before;
    fresh.dispose();
    const loaded = await loadModel(dir);
    expect(tf.memory().numTensors - before).toBe(perModel);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('replaces a saved model of another config and leaves other files in the directory alone', async () => {
    const first = createModel(TINY, { seed: 1 });
    const second = createModel({ ...TINY, positional: 'rope', heads: { count: 2 } }, { seed: 2 });
    await writeFile(join(dir, 'tokenizer.json'), '{}');
    await saveModel(dir, first);
    await saveModel(dir, second);
    expect(await loadedLogits(dir)).toEqual(await logitsOf(second));
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    first.dispose();
    second.dispose();
  });

  it('loads the model of a training checkpoint directory: the latest, a given step, or one ckpt directory', async () => {
    const models = [createModel(TINY, { seed: 1 }), createModel(TINY, { seed: 2 })];
    for (const [i, model] of models.entries()) {
      const moments = tf.tidy(() => ({ 'exp_avg.ln_f.weight': tf.ones([TINY.dModel]) }));
      // The config as a user passes it to train(): defaults not filled in.
      await saveCheckpoint(dir, {
        step: 10 * (i + 1),
        config: TINY,
        params: model.params,
        optimizerState: moments,
        trainerState: { version: 1, seed: 0 },
      });
      tf.dispose(moments);
    }
    const [first, second] = await Promise.all(models.map(logitsOf));
    expect(await loadedLogits(dir)).toEqual(second);
    expect(await loadedLogits(dir, { step: 10 })).toEqual(first);
    expect(await loadedLogits(join(dir, 'ckpt-00000010'))).toEqual(first);
    for (const model of models) model.dispose();
  });
});

describe('loadModel refuses bad files, naming the file, and leaves no tensor behind', () => {
  /** A valid saved model of `TINY` in `dir`, then `tamper` applied; returns the error of loading it. */
  async function loadError<T>(
    errorClass: { prototype: T; name: string; isInstance(error: unknown): boolean },
    tamper: () => Promise<void>,
    options: Parameters<typeof loadModel>[1] = {},
  ): Promise<T> {
    const model = createModel(TINY);
    await saveModel(dir, model);
    model.dispose();
    await tamper();
    const before = tf.memory().numTensors;
    const error = await thrown(errorClass, () => loadModel(dir, options));
    expect(tf.memory().numTensors).toBe(before);
    return error;
  }
  const writeConfig = (config: unknown) => writeFile(join(dir, 'config.json'), JSON.stringify(config));
  const writeWeights = async (tensors: Record<string, RawTensor>) =>
    writeFile(join(dir, 'model.safetensors'), encodeSafetensors(tensors));
  const weightsOf = async (config: ModelConfigInput): Promise<Record<string, RawTensor>> => {
    const model = createModel(config);
    const raw = await toRawTensors(model.params);
    model.dispose();
    return raw;
  };

  it('a directory with neither a model nor checkpoints', async () => {
    const error = await loadError(CheckpointError, () => rm(join(dir, 'config.json')));
    expect(error.code).toBe('CHECKPOINT_NOT_FOUND');
    expect(error.file).toBe(join(dir, 'config.json'));
    expect(error.message).toBe(
      `${join(dir, 'config.json')}: file is missing; expected a directory written by saveModel ` +
        '(config.json, model.safetensors) or a training checkpoint directory (ckpt-* subdirectories)',
    );
  });

  it('a config.json that is not JSON', async () => {
    const error = await loadError(CheckpointError, () =>
      writeFile(join(dir, 'config.json'), '{"vocabSize": 11,'),
    );
    expect(error.code).toBe('CHECKPOINT_INVALID');
    expect(error.message).toMatch(new RegExp(`^${join(dir, 'config.json')}: is not valid JSON \\(`));
  });

  it('a config that breaks a rule: ConfigError naming the file and the field', async () => {
    const error = await loadError(ConfigError, () => writeConfig({ ...TINY, nHeads: 3 }));
    expect(error.file).toBe(join(dir, 'config.json'));
    expect(error.field).toBe('nHeads');
    expect(error.message).toBe(
      `${join(dir, 'config.json')}: invalid model config: \`nHeads\` must be a divisor of dModel (8) (got 3)`,
    );
    const unknown = await loadError(ConfigError, () => writeConfig({ ...TINY, layers: 2 }));
    expect(unknown.field).toBe('layers');
  });

  it('a missing or truncated model.safetensors', async () => {
    const file = join(dir, 'model.safetensors');
    const missing = await loadError(CheckpointError, () => rm(file));
    expect(missing.message).toBe(`${file}: file is missing`);
    expect(missing.code).toBe('CHECKPOINT_NOT_FOUND');
    const truncated = await loadError(CheckpointError, async () => {
      const bytes = await readFile(file);
      await writeFile(file, bytes.subarray(0, bytes.length - 4));
    });
    expect(truncated.code).toBe('CHECKPOINT_INVALID');
    expect(truncated.message).toMatch(new RegExp(`^${file}: not a valid safetensors file: `));
  });

  it('weights of another config, naming the tensor and both shapes', async () => {
    const other = await weightsOf({ ...TINY, vocabSize: 13 });
    const error = await loadError(CheckpointError, () => writeWeights(other));
    expect(error.code).toBe('CHECKPOINT_MISMATCH');
    expect(error.message).toBe(
      `${join(dir, 'model.safetensors')}: "tok_emb.weight" is float32 [13,8], the model expects float32 [11,8]`,
    );
  });

  it('missing, unexpected and int32 tensors', async () => {
    const weights = await weightsOf(TINY);
    const { 'ln_f.bias': _, ...withoutBias } = weights;
    const extra: RawTensor = { dtype: 'F32', shape: [1], data: Float32Array.of(0) };
    const names = await loadError(CheckpointError, () => writeWeights({ ...withoutBias, extra }));
    expect(names.message).toBe(
      `${join(dir, 'model.safetensors')}: tensor names differ from the model's: missing ["ln_f.bias"], unexpected ["extra"]`,
    );
    const ints: RawTensor = { dtype: 'I32', shape: [TINY.dModel], data: new Int32Array(TINY.dModel) };
    const dtype = await loadError(CheckpointError, () => writeWeights({ ...weights, 'ln_f.bias': ints }));
    expect(dtype.message).toBe(
      `${join(dir, 'model.safetensors')}: "ln_f.bias" is int32 [8], the model expects float32 [8]`,
    );
  });

  it('a step asked of a model directory, or one a checkpoint directory does not have', async () => {
    const model = await loadError(CheckpointError, async () => {}, { step: 3 });
    expect(model.message).toBe(
      `${dir}: no checkpoint of step 3: this is a single model's directory (it has config.json), not a training checkpoint directory`,
    );
    const checkpoints = await mkdtemp(join(tmpdir(), 'bntp-ckpts-'));
    const source = createModel(TINY);
    await saveCheckpoint(checkpoints, { step: 4, config: TINY, params: source.params });
    source.dispose();
    const step = await thrown(CheckpointError, () => loadModel(checkpoints, { step: 3 }));
    expect(step.message).toBe(`${checkpoints}: no checkpoint of step 3 (found steps [4])`);
    await rm(checkpoints, { recursive: true });
  });
});
