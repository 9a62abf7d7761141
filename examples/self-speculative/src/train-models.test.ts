import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@beyond-ntp/runtime';
import { generate, loadModel, type TransformerModel } from '@beyond-ntp/transformer-core';
import type { Json, RunContext } from '@beyond-ntp-examples/kit';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planFor } from './plan.js';
import { loadStories } from './stories.js';
import { trainHeadsAdded, trainJoint } from './train-models.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true });
});

async function context(seed: number): Promise<RunContext<Json>> {
  const dir = await mkdtemp(join(tmpdir(), 'self-speculative-train-'));
  dirs.push(dir);
  const ignore = () => {};
  return {
    id: `test-seed${seed}`,
    condition: 'test',
    config: {},
    seed,
    mode: 'smoke',
    units: 0,
    backend: 'cpu',
    options: {},
    parallel: 'off',
    recordTraining: ignore,
    dir,
    checkpointDir: join(dir, 'checkpoints'),
    resume: false,
    progress: ignore,
    trainCallbacks: () => ({ onStart: ignore, onStep: ignore }),
    record: ignore,
    log: ignore,
    dependencyDir: (condition) => {
      throw new Error(`no run of ${condition} in this test`);
    },
  };
}

const plan = planFor('smoke');
const stories = loadStories(plan.stories);
const options = (ctx: RunContext<Json>) => ({
  ctx,
  plan,
  vocabSize: stories.tokenizer.vocabSize,
  trainIds: stories.trainIds,
});
const weights = (model: TransformerModel) =>
  Object.fromEntries(Object.entries(model.params).map(([name, p]) => [name, Array.from(p.dataSync())]));

describe('training the two variants', () => {
  it('heads-added: the next-token model is frozen, so its weights and greedy output are the base’s', async () => {
    const ctx = await context(2);
    const before = tf.memory().numTensors;
    const model = await trainHeadsAdded(options(ctx));
    const base = await loadModel(join(ctx.checkpointDir, 'base'));
    expect(model.config.heads.count).toBe(4);
    expect(base.config.heads.count).toBe(1);
    const trained = weights(model);
    for (const [name, values] of Object.entries(weights(base))) expect(trained[name]).toEqual(values);
    const prompt = stories.trainIds.slice(0, 6);
    const greedy = (m: TransformerModel) => generate(m, prompt, { maxNewTokens: 10, temperature: 0 });
    expect(greedy(model)).toEqual(greedy(base));
    // The returned model is the heads phase's last checkpoint.
    const heads = await loadModel(join(ctx.checkpointDir, 'heads'), { step: plan.headSteps });
    expect(weights(heads)).toEqual(trained);
    base.dispose();
    heads.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('joint: training again with the finished checkpoint gives the same model (a resumed run skips to the end)', async () => {
    const ctx = await context(1);
    const first = await trainJoint(options(ctx));
    const again = await trainJoint(options(ctx));
    expect(weights(again)).toEqual(weights(first));
    const fresh = await trainJoint(options(await context(1)));
    expect(weights(fresh)).toEqual(weights(first));
    for (const m of [first, again, fresh]) m.dispose();
  });
});
