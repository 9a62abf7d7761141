import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, listCheckpoints, type TrainCallbacks } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { asyncFailure, TINY, TOKENS } from '../test/fixtures.js';
import { type TrainCurriculumOptions, trainCurriculum } from './train-curriculum.js';

// Five examples of two or three steps: the answer is the question's first token repeated.
const EXAMPLES = [1, 2, 3, 4, 5].map((x) => ({
  question: [x, (x + 1) % 11],
  steps: x % 2 ? [[x], [x + 1]] : [[x], [x + 1], [x + 2]],
  answer: [x, x, 0],
}));
const BASE = {
  examples: EXAMPLES,
  tokens: TOKENS,
  batchSize: 2, // 3 updates per epoch (2 + 2 + 1 examples)
  epochsPerStage: 2,
  maxLatentStage: 2,
  learningRate: 3e-3,
};

function weights(params: Record<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(params).map(([name, p]) => [name, Array.from(p.dataSync())]));
}

describe('trainCurriculum', () => {
  it('keeps the tensor count constant over 20 train() steps, across optimizer resets, and back to the start', async () => {
    const model = createModel(TINY, { seed: 1 });
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const record: TrainCallbacks = { onStep: () => void counts.push(tf.memory().numTensors) };
    const summaries: number[] = [];
    // 5 examples one at a time, 4 epochs: 20 updates in two segments (stages 0 and 1).
    const result = await trainCurriculum({
      ...BASE,
      model,
      batchSize: 1,
      epochs: 4,
      callbacks: [record],
      onEpochEnd: ({ stage }) => void summaries.push(stage),
    });
    expect(result.steps).toBe(20);
    expect(counts).toHaveLength(20);
    expect(new Set(counts).size).toBe(1);
    expect(summaries).toEqual([0, 0, 1, 1]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('makes one train() call per optimizer segment', async () => {
    const starts = async (optimizerReset: TrainCurriculumOptions['optimizerReset']) => {
      const model = createModel(TINY, { seed: 1 });
      let calls = 0;
      await trainCurriculum({
        ...BASE,
        model,
        epochs: 4,
        optimizerReset,
        callbacks: [{ onStart: () => void calls++ }],
      });
      model.dispose();
      return calls;
    };
    expect([await starts('stage'), await starts('epoch'), await starts('never')]).toEqual([2, 4, 1]);
  });

  it('resumes at an epoch boundary: split at a stage switch, the run equals the uninterrupted one', async () => {
    const run = async (optimizerReset: 'stage' | 'never', split: boolean) => {
      const model = createModel(TINY, { seed: 2 });
      const options = { ...BASE, model, optimizerReset, seed: 5 };
      const losses: number[] = [];
      const onEpochEnd = ({ loss }: { loss: number }) => void losses.push(loss);
      if (split) {
        await trainCurriculum({ ...options, epochs: 2, onEpochEnd });
        await trainCurriculum({ ...options, epochs: 4, startEpoch: 2, onEpochEnd });
      } else {
        await trainCurriculum({ ...options, epochs: 4, onEpochEnd });
      }
      const w = weights(model.params);
      model.dispose();
      return { losses, w };
    };
    const whole = await run('stage', false);
    expect(await run('stage', true)).toEqual(whole);
    // The control: with one optimizer for the whole run, restarting it at epoch 2 changes the result.
    const wholeNever = await run('never', false);
    expect((await run('never', true)).w).not.toEqual(wholeNever.w);
    // The first two epochs are the same in all four runs (same data, same optimizer so far).
    expect(wholeNever.losses.slice(0, 2)).toEqual(whole.losses.slice(0, 2));
  });

  it('resumes after a kill from its checkpoints, ending with the weights of an uninterrupted run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coconut-resume-'));
    try {
      const options = { ...BASE, epochs: 4, seed: 9, checkpoint: { dir, every: 2, config: TINY } };
      const whole = createModel(TINY, { seed: 2 });
      await trainCurriculum({ ...BASE, epochs: 4, seed: 9, model: whole });
      // Killed when epoch 2 ends: segment 1 (epochs 2, 3) has saved update 2 of its 6, not update 3.
      const killed = createModel(TINY, { seed: 2 });
      const crash = ({ epoch }: { epoch: number }) => {
        if (epoch === 2) throw new Error('killed');
      };
      await expect(trainCurriculum({ ...options, model: killed, onEpochEnd: crash })).rejects.toThrow(
        'killed',
      );
      expect(await listCheckpoints(join(dir, 'segment-2'))).toEqual([2]);
      // A fresh process: other weights, restored from the checkpoints.
      const resumed = createModel(TINY, { seed: 99 });
      const summaries: Array<[number, number]> = [];
      const result = await trainCurriculum({
        ...options,
        model: resumed,
        resume: true,
        onEpochEnd: ({ epoch, steps }) => void summaries.push([epoch, steps]),
      });
      expect(result.steps).toBe(4);
      expect(summaries).toEqual([
        [2, 1],
        [3, 3],
      ]);
      expect(weights(resumed.params)).toEqual(weights(whole.params));
      for (const model of [whole, killed, resumed]) model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('learns: the epoch loss of CoT training falls', async () => {
    const model = createModel(TINY, { seed: 3 });
    const losses: number[] = [];
    await trainCurriculum({
      ...BASE,
      model,
      method: 'cot',
      epochs: 8,
      learningRate: 1e-2,
      onEpochEnd: ({ loss }) => void losses.push(loss),
    });
    expect(losses).toHaveLength(8);
    expect(losses[7] as number).toBeLessThan((losses[0] as number) * 0.7);
    model.dispose();
  });

  it('trains every method at the stages its schedule gives', async () => {
    for (const method of ['coconut', 'pause-as-thought', 'no-curriculum', 'no-thought', 'no-cot'] as const) {
      const model = createModel(TINY, { seed: 4 });
      const result = await trainCurriculum({ ...BASE, model, method, epochs: 3 });
      expect(
        result.epochs.map((e) => e.stage),
        method,
      ).toEqual(method === 'no-curriculum' || method === 'no-cot' ? [3, 3, 3] : [0, 0, 1]);
      for (const epoch of result.epochs) expect(Number.isFinite(epoch.loss)).toBe(true);
      model.dispose();
    }
  });

  it('checks its options before any update', async () => {
    const model = createModel(TINY, { seed: 1 });
    const before = weights(model.params);
    const failure = (options: Partial<TrainCurriculumOptions>) =>
      asyncFailure(() => trainCurriculum({ ...BASE, model, epochs: 2, ...options }));
    expect(await failure({ batchSize: 0 })).toBe('INVALID_OPTION batchSize: expected an integer >= 1, got 0');
    expect(await failure({ resume: true })).toBe(
      'INVALID_OPTION resume: needs checkpoint.dir to resume from',
    );
    expect(await failure({ examples: [...EXAMPLES, { question: [1], steps: [], answer: [] }] })).toBe(
      'INVALID_EXAMPLE examples[5].answer: must be a non-empty array of token ids (got [])',
    );
    expect(weights(model.params)).toEqual(before);
    model.dispose();
  });
});
