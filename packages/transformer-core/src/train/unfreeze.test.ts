import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TINY } from '../../test/variants.js';
import { createModel, type TransformerModel } from '../model.js';
import { parameterGroups, setTrainable } from '../param-groups.js';
import type { TrainCallbacks } from './callbacks.js';
import { crossEntropy } from './cross-entropy.js';
import type { LossContext } from './evaluate.js';
import { lossFnGradients } from './gradient-source.js';
import { killAt } from './test-helpers/kill-at.js';
import { storedCounts } from './test-helpers/stored-counts.js';
import { type TrainOptions, train } from './trainer.js';

// The case per-parameter AdamW state exists for: a head frozen for the first updates, then unfrozen mid-run.
const config = { ...TINY, heads: { count: 2 } };
const STEPS = 8;
const UNFROZEN_AFTER = 3; // head 1 gets gradients from update 4 on
const LR = 0.01;
const BIAS = 'heads.1.ln1.bias'; // rank 1: no weight decay, so its first step is the Adam step alone

/** Rows of a counting language with a per-step offset; head i's targets are the tokens i + 1 ahead. */
function rowsAt(step: number): number[][] {
  return [0, 1].map((row) =>
    Array.from({ length: 9 }, (_, t) => (step * 5 + row * 4 + t * 3) % TINY.vocabSize),
  );
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-unfreeze-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Head 1 frozen until `UNFROZEN_AFTER` updates are done: from `onStart` (a resumed run may start past it) and `onStep`. */
function unfreezeSchedule(model: TransformerModel): TrainCallbacks {
  const names = parameterGroups(model).heads[1] as string[];
  const apply = (done: number) =>
    setTrainable({ params: model.params, names, trainable: done >= UNFROZEN_AFTER });
  apply(0); // frozen when train() starts, as a run that adds a head sets it up
  return { onStart: ({ startStep }) => apply(startStep), onStep: ({ step }) => apply(step) };
}

/** A run of the schedule (initialised with `initSeed`); its losses, final weights and the snapshots it took. */
async function run(name: string, extra: Partial<TrainOptions<number[][]>> & { initSeed?: number } = {}) {
  const { initSeed = 1, ...rest } = extra;
  const model = createModel(config, { seed: initSeed });
  const initial = Array.from(model.params[BIAS]?.dataSync() ?? []);
  const snapshots: Record<number, number[]> = {};
  let biasGradient: number[] = [];
  const losses: number[] = [];
  const lossFn = (ids: number[][], { training, seed }: LossContext) => {
    const inputs = ids.map((row) => row.slice(0, 7));
    const { logits } = model.forward(inputs, { heads: [0, 1], training, seed });
    const losses = logits.map((l, i) =>
      crossEntropy(
        l,
        ids.map((row) => row.slice(i + 1, i + 8)),
      ),
    );
    return tf.div(tf.addN(losses), 2) as tf.Scalar;
  };
  try {
    await train<number[][]>({
      params: model.params,
      lossFn,
      batches: rowsAt,
      steps: STEPS,
      learningRate: LR,
      clipNorm: null,
      seed: 5,
      checkpoint: { dir: join(dir, name), every: 2, config, keep: 10 },
      gradients: (context) => {
        const result = lossFnGradients(context);
        if (context.step === UNFROZEN_AFTER) biasGradient = Array.from(result.grads[BIAS]?.dataSync() ?? []);
        return result;
      },
      ...rest,
      callbacks: [
        unfreezeSchedule(model),
        {
          onStep: ({ step, loss }) => {
            losses.push(loss);
            snapshots[step] = Array.from(model.params[BIAS]?.dataSync() ?? []);
          },
        },
        ...(rest.callbacks ?? []),
      ],
    });
    const weights = Object.fromEntries(
      Object.entries(model.params).map(([key, v]) => [key, Array.from(v.dataSync())]),
    );
    return { losses, weights, initial, snapshots, biasGradient };
  } finally {
    model.dispose();
  }
}

describe('a head unfrozen mid-run', () => {
  it('starts its AdamW bias correction at t = 1, and runs resume exactly before and after the unfreezing', async () => {
    const whole = await run('whole');
    // Frozen: untouched for the first updates.
    expect(whole.snapshots[UNFROZEN_AFTER]).toEqual(whole.initial);
    // Its first update has t = 1, so m_hat = g and v_hat = g^2: each element moves by lr * g / (|g| + eps). A
    // global t = 4 would give about 0.62 lr instead.
    const before = whole.snapshots[UNFROZEN_AFTER] as number[];
    const after = whole.snapshots[UNFROZEN_AFTER + 1] as number[];
    expect(whole.biasGradient).toHaveLength(before.length);
    whole.biasGradient.forEach((g, i) => {
      const expected = (LR * g) / (Math.abs(g) + 1e-8);
      expect((before[i] as number) - (after[i] as number), `element ${i}`).toBeCloseTo(expected, 7);
    });
    const names = Object.keys(whole.weights);
    const headOne = names.filter((name) => name.startsWith('heads.1.'));
    expect(headOne.length).toBeGreaterThan(0);
    // While frozen, a checkpoint has no AdamW state for the head; afterwards, its own count.
    expect(Object.keys((await storedCounts(join(dir, 'whole'), 2)).counts).sort()).toEqual(
      names
        .filter((name) => !headOne.includes(name))
        .map((name) => `step.${name}`)
        .sort(),
    );
    expect((await storedCounts(join(dir, 'whole'), STEPS)).counts).toEqual(
      Object.fromEntries(
        names.map((name) => [`step.${name}`, headOne.includes(name) ? STEPS - UNFROZEN_AFTER : STEPS]),
      ),
    );

    // Killed at step 3, resumed from the checkpoint of step 2: the head is still frozen and has no state.
    // Killed at step 5, resumed from step 4: the head has state, but is frozen when train() starts.
    for (const [kill, checkpoint] of [
      [3, 2],
      [5, 4],
    ] as const) {
      const name = `killed-${kill}`;
      await expect(run(name, { callbacks: [killAt(kill)] })).rejects.toThrow('killed');
      const resumed = await run(name, { initSeed: 99, resume: true });
      expect(resumed.losses, `resumed from ${checkpoint}`).toEqual(whole.losses.slice(checkpoint));
      expect(resumed.weights, `resumed from ${checkpoint}`).toEqual(whole.weights);
    }
  });
});
