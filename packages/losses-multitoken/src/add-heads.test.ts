import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  createModel,
  loadCheckpoint,
  parameterGroups,
  saveCheckpoint,
  type TransformerModel,
  train,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BATCHES, tinyConfig } from '../test/fixtures.js';
import { addHeads } from './add-heads.js';
import type { MultiTokenBatch } from './batch.js';
import { MultiTokenArgumentError } from './errors.js';
import { multiTokenGradients } from './gradients.js';
import { multiTokenLossFn } from './loss-fn.js';

const models: TransformerModel[] = [];
afterEach(() => {
  for (const model of models.splice(0)) model.dispose();
});

const snapshot = (model: TransformerModel, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, (model.params[name] as tf.Variable).dataSync().slice()]));

const nextTokenLogits = (model: TransformerModel) =>
  tf.tidy(() =>
    model
      .forward(BATCHES[0]?.ids as number[][])
      .logits[0]?.dataSync()
      .slice(),
  );

// A next-token model trained for a few steps, as the base.
async function trainedBase(type: 'transformer' | 'linear'): Promise<TransformerModel> {
  const base = createModel(tinyConfig(1, type), { seed: 3 });
  models.push(base);
  await train({
    params: base.params,
    lossFn: multiTokenLossFn({ model: base, padId: 0 }),
    batches: (step: number) => BATCHES[step % 2] as MultiTokenBatch,
    steps: 5,
    learningRate: 0.01,
  });
  return base;
}

describe.each(['transformer', 'linear'] as const)('addHeads (%s heads)', (type) => {
  it('copies and freezes the base; training the new heads leaves every base weight bit-identical', async () => {
    const base = await trainedBase(type);
    const before = tf.memory().numTensors;
    const { model, newHeads, frozen } = addHeads({ base, count: 3, seed: 9 });
    models.push(model);
    expect(newHeads).toEqual([1, 2]);
    expect(frozen).toEqual(Object.keys(base.params));
    const groups = parameterGroups(model);
    const trainable = Object.keys(model.params).filter(
      (name) => (model.params[name] as tf.Variable).trainable,
    );
    expect(trainable).toEqual([...(groups.heads[1] ?? []), ...(groups.heads[2] ?? [])]);
    // Same next-token model: head 0's logits equal the base's exactly.
    expect(nextTokenLogits(model)).toEqual(nextTokenLogits(base));

    const baseWeights = snapshot(base, frozen);
    const newBefore = snapshot(model, trainable);
    const objective = { model, heads: newHeads, padId: 0 };
    const result = await train({
      params: model.params,
      lossFn: multiTokenLossFn(objective),
      gradients: multiTokenGradients(objective),
      batches: (step: number) => BATCHES[step % 2] as MultiTokenBatch,
      steps: 10,
      learningRate: 0.01,
      optimizer: { weightDecay: 0.1 }, // decay would move frozen weights if they were updated
    });
    expect(result.step).toBe(10);
    expect(snapshot(model, frozen)).toEqual(baseWeights);
    const newAfter = snapshot(model, trainable);
    for (const name of trainable) expect(newAfter[name], name).not.toEqual(newBefore[name]);
    expect(nextTokenLogits(model)).toEqual(nextTokenLogits(base));
    model.dispose();
    models.pop();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("init 'copy' starts every new head as a copy of head 0", async () => {
    const base = await trainedBase(type);
    const { model } = addHeads({ base, count: 3, init: 'copy' });
    models.push(model);
    const head0 = parameterGroups(model).heads[0] ?? [];
    for (const name of head0) {
      const copy = name.replace('heads.0.', 'heads.2.');
      expect(snapshot(model, [copy])[copy], copy).toEqual(snapshot(base, [name])[name]);
    }
  });
});

describe('addHeads from a checkpoint and errors', () => {
  it("adds heads to a loaded checkpoint's weights", async () => {
    const base = await trainedBase('transformer');
    const dir = mkdtempSync(join(tmpdir(), 'add-heads-'));
    try {
      await saveCheckpoint(dir, { step: 5, config: base.config, params: base.params });
      const checkpoint = await loadCheckpoint(dir);
      const { model } = addHeads({ base: checkpoint, count: 2 });
      tf.dispose(checkpoint.params);
      models.push(model);
      expect(nextTokenLogits(model)).toEqual(nextTokenLogits(base));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a count not above the base, an unknown init, and weights that do not fit the config', () => {
    const base = createModel(tinyConfig(2, 'linear'));
    models.push(base);
    const before = tf.memory().numTensors;
    const messageOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        if (MultiTokenArgumentError.isInstance(error) || ConfigError.isInstance(error)) return error.message;
        throw error;
      }
      return 'no error';
    };
    expect(messageOf(() => addHeads({ base, count: 2 }))).toMatch(
      /^count: expected an integer above the base's 2/,
    );
    expect(messageOf(() => addHeads({ base, count: 3, init: 'zeros' as 'copy' }))).toMatch(/^init: /);
    const { 'ln_f.weight': _dropped, ...missing } = base.params;
    expect(messageOf(() => addHeads({ base: { config: base.config, params: missing }, count: 3 }))).toMatch(
      /^base.params: do not match the base's config: missing "ln_f.weight" \[8\]/,
    );
    const extra = { ...base.params, 'heads.7.weight': base.params['heads.0.weight'] as tf.Tensor };
    expect(messageOf(() => addHeads({ base: { config: base.config, params: extra }, count: 3 }))).toMatch(
      /unknown "heads.7.weight"/,
    );
    expect(messageOf(() => addHeads({ base: { config: { vocabSize: 0 }, params: {} }, count: 3 }))).toMatch(
      /vocabSize/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
