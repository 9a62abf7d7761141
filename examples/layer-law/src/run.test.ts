import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@beyond-ntp/runtime';
import { hasCheckpoint, type Json, main, type ResultsFile, type RunContext } from '@beyond-ntp-examples/kit';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experiment } from './experiment.js';
import { planFor } from './plan.js';
import { type ConditionConfig, prCurve, runCondition } from './run.js';

const plan = planFor('smoke');
const entries = plan.model.nLayers + 1;

// The pure-JavaScript backend: deterministic, so an interrupted and resumed run must match an uninterrupted one.
beforeAll(() => initBackend({ backend: 'cpu' }));

describe('the smoke experiment end to end', () => {
  let dir: string;
  let results: ResultsFile | undefined;
  let tensorsBefore: number;
  let tensorsAfter: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'layer-law-'));
    tensorsBefore = tf.memory().numTensors;
    results = (await main(experiment, {
      argv: ['--smoke', '--backend', 'cpu', '--out', dir],
      stdout: { write: () => true },
    })) as ResultsFile | undefined;
    tensorsAfter = tf.memory().numTensors;
  }, 600_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs both models for every seed, leaving no tensor behind', () => {
    expect(results?.runs.map((r) => r.id)).toEqual([
      'next-token-seed0',
      '2-token-seed0',
      'next-token-seed1',
      '2-token-seed1',
    ]);
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('probes every planned step, step 0 included, and every entry of the next-token path', () => {
    for (const run of results?.runs ?? []) {
      for (let l = 0; l < entries; l++) {
        const probed = run.curves[prCurve(l)]?.map((p) => p.step);
        expect(probed, `${run.id} entry ${l}`).toEqual(plan.probeSteps);
        for (const p of run.curves[prCurve(l)] ?? []) {
          expect(p.value).toBeGreaterThanOrEqual(0);
          expect(p.value).toBeLessThanOrEqual(1);
        }
      }
      expect(Object.keys(run.metrics)).toEqual(
        expect.arrayContaining(['rFinal', 'rStep0', 'heldOutLossFinal']),
      );
      expect(run.metrics.heldOutLossFinal).toBeLessThan(run.metrics.heldOutLossStep0 as number);
    }
  });

  it('starts both models of a seed from the same next-token path: equal PR at step 0', () => {
    const runs = results?.runs ?? [];
    for (const seed of [0, 1]) {
      const [ntp, mtp] = ['next-token', '2-token'].map((c) =>
        runs.find((r) => r.condition === c && r.seed === seed),
      );
      for (let l = 0; l < entries; l++) {
        expect(mtp?.curves[prCurve(l)]?.[0]).toEqual(ntp?.curves[prCurve(l)]?.[0]);
      }
      expect(mtp?.metrics.rStep0).toBe(ntp?.metrics.rStep0);
    }
  });

  it('writes the report with a table per condition and the plots', async () => {
    const markdown = await readFile(join(dir, 'results.md'), 'utf8');
    expect(markdown).toContain('### next-token: the law at every probed checkpoint');
    expect(markdown).toContain('### 2-token: the law at every probed checkpoint');
    expect(markdown).toMatch(/largest difference in PR over all entries and 2 seed pair\(s\) is 0 /);
    for (const file of ['r.svg', 'pr-final.svg', 'pr-next-token-seed0.svg', 'pr-2-token-seed1.svg']) {
      expect((await readFile(join(dir, 'plots', file), 'utf8')).slice(0, 4)).toBe('<svg');
    }
  });
});

/** A run context of the kit's shape, recording curves in memory; `stopAt` throws after that step (a kill). */
function fakeContext(args: { dir: string; resume: boolean; stopAt?: number }) {
  const curves = new Map<string, Map<number, number>>();
  const config: ConditionConfig = { plan, heads: 2 };
  const ctx: RunContext<Json> = {
    id: '2-token-seed1',
    condition: '2-token',
    config: config as unknown as Json,
    seed: 1,
    mode: 'smoke',
    units: plan.steps,
    backend: tf.getBackend(),
    options: {},
    parallel: 'off',
    recordTraining: () => {},
    dir: args.dir,
    checkpointDir: join(args.dir, 'checkpoints'),
    resume: args.resume,
    progress: () => {},
    trainCallbacks: () => ({
      onStart: () => {},
      onStep: ({ step }) => {
        if (step === args.stopAt) throw new Error(`killed after step ${step}`);
      },
    }),
    record: (curve, step, value) => {
      const points = curves.get(curve) ?? new Map<number, number>();
      points.set(step, value);
      curves.set(curve, points);
    },
    log: () => {},
    dependencyDir: (condition) => {
      throw new Error(`no run of ${condition} in this test`);
    },
  };
  return { ctx, curves };
}

describe('runCondition after an interruption', () => {
  it('resumes from the last checkpoint and ends with the probes of an uninterrupted run', async () => {
    const root = await mkdtemp(join(tmpdir(), 'layer-law-resume-'));
    try {
      const whole = fakeContext({ dir: join(root, 'whole'), resume: false });
      const expected = await runCondition(whole.ctx);

      const dir = join(root, 'interrupted');
      const stopAt = plan.checkpointEvery + 1;
      await expect(runCondition(fakeContext({ dir, resume: false, stopAt }).ctx)).rejects.toThrow(
        `killed after step ${stopAt}`,
      );
      expect(await hasCheckpoint(join(dir, 'checkpoints'))).toBe(true);
      const resumed = fakeContext({ dir, resume: true });
      const tensors = tf.memory().numTensors;
      expect(await runCondition(resumed.ctx)).toEqual(expected);
      expect(tf.memory().numTensors).toBe(tensors);
      // The resumed attempt probes only the steps after its checkpoint; step 0 comes from the first attempt's file.
      expect([...(resumed.curves.get(prCurve(1))?.keys() ?? [])]).toEqual(
        plan.probeSteps.filter((s) => s > plan.checkpointEvery),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 600_000);
});
