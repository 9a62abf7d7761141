import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { CheckpointError } from '../checkpoint/errors.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from '../checkpoint/safetensors.js';
import { InvalidTrainingArgumentError, NonFiniteUpdateError } from './errors.js';
import { countingBatch, createBigram, type TokenBatch } from './test-helpers/bigram.js';
import { type TrainOptions, train } from './trainer.js';

const shape = { batch: 2, time: 6, vocabSize: 13 };
const modelConfig = { vocabSize: 13, dim: 8 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-nonfinite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Trains a fresh bigram model; returns the model (the caller disposes it) and what train threw, if anything. */
async function trainBigram(options: Partial<TrainOptions<TokenBatch>>) {
  const model = createBigram(modelConfig);
  const error = await train<TokenBatch>({
    params: model.params,
    lossFn: model.loss,
    batches: (step, micro) => countingBatch(step, micro, shape),
    steps: 10,
    learningRate: 0.01,
    checkpoint: { dir, every: 1, config: modelConfig },
    ...options,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { model, error };
}

async function allFinite(tensors: Record<string, tf.Tensor>): Promise<boolean> {
  for (const t of Object.values(tensors)) {
    if (!Array.from(await t.data()).every(Number.isFinite)) return false;
  }
  return true;
}

describe('a learning rate of 1e39 at step 7 (finite loss and gradient)', () => {
  it.each([1, 5])(
    'checkpoint every %i: NonFiniteUpdateError of step 7, no checkpoint holds its weights',
    async (every) => {
      const spike = (it: number) => (it === 6 ? 1e39 : 0.01);
      const { model, error } = await trainBigram({
        learningRate: spike,
        checkpoint: { dir, every, config: modelConfig },
      });
      expect(NonFiniteUpdateError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'NON_FINITE_UPDATE', step: 7, learningRate: 1e39 });
      expect((error as Error).message).toBe(
        'the update of step 7 (learning rate 1e+39) left parameters that are not finite, with a finite loss and ' +
          'gradient norm; no checkpoint holds them, so the newest checkpoint is the last good state, but the ' +
          'parameters in memory are unusable. Lower the learning rate, or resume from the checkpoint.',
      );
      const last = every === 1 ? 6 : 5;
      expect((await listCheckpoints(dir)).at(-1)).toBe(last);
      for (const step of await listCheckpoints(dir)) {
        const kept = await loadCheckpoint(dir, { step });
        expect(await allFinite(kept.params)).toBe(true);
        expect(await allFinite(kept.optimizerState ?? {})).toBe(true);
        tf.dispose([kept.params, kept.optimizerState ?? {}]);
      }
      expect(await allFinite(model.params)).toBe(false); // what the message says
      model.dispose();
    },
  );

  it('saveCheckpoint itself refuses a non-finite tensor, naming it, and publishes nothing', async () => {
    const params = { w: tf.tensor1d([1, Number.POSITIVE_INFINITY]) };
    const error = await thrown(CheckpointError, () => saveCheckpoint(dir, { step: 3, config: {}, params }));
    expect(error.message).toBe(
      `${dir}/ckpt-00000003/model.safetensors: tensor "w" holds Infinity at index 1; a checkpoint never holds non-finite values`,
    );
    expect(await listCheckpoints(dir)).toEqual([]);
    tf.dispose(params);
  });
});

describe('resume validates the whole checkpoint before assigning anything', () => {
  /** A 3-step run's checkpoint, with `edit` applied to its optimizer.safetensors. */
  async function editedOptimizerState(edit: (tensors: Record<string, RawTensor>) => void): Promise<string> {
    const { model } = await trainBigram({ steps: 3, checkpoint: { dir, every: 3, config: modelConfig } });
    model.dispose();
    const file = join(dir, 'ckpt-00000003', 'optimizer.safetensors');
    const { tensors } = decodeSafetensors(await readFile(file));
    edit(tensors);
    await writeFile(file, encodeSafetensors(tensors));
    return file;
  }

  /** Resumes into a fresh model and returns the error, checking the model's weights were left untouched. */
  async function refusedResume(): Promise<InvalidTrainingArgumentError> {
    const model = createBigram(modelConfig, 99);
    const before = await Promise.all(
      Object.values(model.params).map(async (p) => Array.from(await p.data())),
    );
    const count = tf.memory().numTensors;
    const error = await thrown(InvalidTrainingArgumentError, () =>
      train<TokenBatch>({
        params: model.params,
        lossFn: model.loss,
        batches: (step, micro) => countingBatch(step, micro, shape),
        steps: 6,
        checkpoint: { dir, every: 3, config: modelConfig },
        resume: true,
      }),
    );
    const after = await Promise.all(Object.values(model.params).map(async (p) => Array.from(await p.data())));
    expect(after).toEqual(before);
    expect(tf.memory().numTensors).toBe(count);
    model.dispose();
    return error;
  }

  it.each([
    ['a NaN second moment', Number.NaN, 'NaN', 'every value must be finite and >= 0'],
    ['a negative second moment', -1, '-1', 'every value must be finite and >= 0'],
  ])('%s', async (_, value, shown, rule) => {
    const file = await editedOptimizerState((tensors) => {
      (tensors['exp_avg_sq.head.bias'] as RawTensor).data[2] = value;
    });
    expect((await refusedResume()).message).toBe(
      `resume: ${file}: tensor "exp_avg_sq.head.bias" holds ${shown} at index 2; ${rule}`,
    );
  });

  it('an infinite first moment', async () => {
    const file = await editedOptimizerState((tensors) => {
      (tensors['exp_avg.wte.weight'] as RawTensor).data[0] = Number.NEGATIVE_INFINITY;
    });
    expect((await refusedResume()).message).toBe(
      `resume: ${file}: tensor "exp_avg.wte.weight" holds -Infinity at index 0; every value must be finite`,
    );
  });

  it('an I32 moment', async () => {
    const file = await editedOptimizerState((tensors) => {
      const moment = tensors['exp_avg.head.bias'] as RawTensor;
      tensors['exp_avg.head.bias'] = {
        dtype: 'I32',
        shape: moment.shape,
        data: new Int32Array(moment.data.length),
      };
    });
    expect((await refusedResume()).message).toBe(
      `resume: ${file}: optimizer state: moment "exp_avg.head.bias" is int32 [13], the parameter float32 [13]`,
    );
  });

  it.each([
    ['batchesConsumed', 1e12, 'expected an integer in [0, 3], got 1000000000000'],
    ['optimizerStep', 1e300, 'expected an integer in [0, 3], got 1e+300'],
    ['optimizerStep', -1, 'expected an integer in [0, 3], got -1'],
  ])('trainer-state.json %s %d', async (field, value, expected) => {
    await editedOptimizerState(() => undefined);
    const file = join(dir, 'ckpt-00000003', 'trainer-state.json');
    const state = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...state, [field]: value }));
    expect((await refusedResume()).message).toBe(`${file} ${field}: ${expected}`);
  });

  it('a trainer-state.json seed nested 60 deep is described briefly', async () => {
    await editedOptimizerState(() => undefined);
    const file = join(dir, 'ckpt-00000003', 'trainer-state.json');
    const state = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(
      file,
      JSON.stringify({ ...state, seed: JSON.parse(`${'['.repeat(60)}${']'.repeat(60)}`) }),
    );
    expect((await refusedResume()).message).toBe(
      `seed: the checkpoint in ${join(dir, 'ckpt-00000003')} was trained with seed [[an array of 1 items]]; resume with the same seed`,
    );
  });
});
