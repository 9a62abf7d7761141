import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it } from 'vitest';
import { demo } from '../demo/experiment.js';
import { type Experiment, type Json, main, type ResultsFile } from '../src/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function runDemo(experiment: Experiment<Json>, out: string): Promise<ResultsFile | undefined> {
  const argv = ['--smoke', '--backend', 'cpu', '--seeds', '1', '--out', out];
  return main(experiment, { argv, stdout: { write: () => true }, live: false });
}

/** The demo, with run `id` stopped by an error after `step` (once): a process killed mid-run. */
function killedOnce(id: string, step: number): Experiment<Json> {
  let armed = true;
  return {
    ...demo,
    run: (ctx) =>
      demo.run({
        ...ctx,
        trainCallbacks: (options) => {
          const callbacks = ctx.trainCallbacks(options);
          return {
            ...callbacks,
            onStep: (metrics) => {
              callbacks.onStep(metrics);
              if (armed && ctx.id === id && metrics.step === step) {
                armed = false;
                throw new Error(`killed at step ${step}`);
              }
            },
          };
        },
      }),
  } as Experiment<Json>;
}

it('a demo run killed mid-training resumes from its checkpoint and ends exactly as an uninterrupted one (cpu)', async () => {
  const [plainOut, killedOut] = [
    await mkdtemp(join(tmpdir(), 'kit-demo-')),
    await mkdtemp(join(tmpdir(), 'kit-demo-')),
  ];
  dirs.push(plainOut, killedOut);
  const plain = await runDemo(demo as Experiment<Json>, plainOut);
  const tensorsBefore = tf.memory().numTensors;

  // The smoke runs train 40 steps with checkpoints every 10; the kill at step 25 loses steps 21-25.
  const killed = killedOnce('lr-0.03-seed0', 25);
  await expect(runDemo(killed, killedOut)).rejects.toThrow('killed at step 25');
  const resumed = await runDemo(killed, killedOut);

  expect(resumed?.runs.map((r) => [r.id, r.resumed])).toEqual([
    ['lr-0.003-seed0', false],
    ['lr-0.03-seed0', true],
  ]);
  // The same seed on the cpu backend gives the same losses, so the resumed run matches to the last bit.
  const outcome = (file: ResultsFile | undefined) =>
    file?.runs.map((r) => ({ metrics: r.metrics, curves: r.curves }));
  expect(outcome(resumed)).toEqual(outcome(plain));
  expect(resumed?.runs[1]?.curves.evalLoss?.map((p) => p.step)).toEqual([
    4, 8, 12, 16, 20, 24, 28, 32, 36, 40,
  ]);
  expect(resumed?.runs[1]?.metrics.accuracy).toBe(1); // the larger rate learns the successor map within 40 steps
  // Training, evaluation, the kill and the resume leave no tensors behind.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});
