import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@beyond-ntp/runtime';
import { loadTokenizer } from '@beyond-ntp/tokenizer';
import { checkpointDirName, listCheckpoints } from '@beyond-ntp/transformer-core';
import { KitError } from '@beyond-ntp-examples/kit';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleArgs, TrainArgs } from './cli.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

// The whole app on a tiny model: train, rerun (nothing to do), resume after losing the last checkpoint, refuse
// other settings, then sample. Everything runs on the cpu backend, where runs are bit-for-bit reproducible.
const text = 'It was the best of times, it was the worst of times, it was the age of wisdom. '.repeat(12);
let dir: string;
let textFile: string;
const quiet = { write: () => true };

const trainArgs = (out: string, overrides: Partial<TrainArgs> = {}): TrainArgs => ({
  text: textFile,
  out,
  tokenizer: { kind: 'char' },
  model: { contextLength: 16, dModel: 16, nLayers: 1, nHeads: 2, dropout: 0.1 },
  plan: {
    steps: 6,
    batchSize: 4,
    learningRate: 0.01,
    warmupSteps: 1,
    heldOutFraction: 0.2,
    evalEvery: 3,
    evalBatches: 2,
    checkpointEvery: 3,
    seed: 5,
  },
  backend: 'cpu',
  fresh: false,
  ...overrides,
});
const sampleArgs = (run: string, overrides: Partial<SampleArgs> = {}): SampleArgs => ({
  run,
  start: 'It was',
  tokens: 20,
  temperature: 1,
  topK: undefined,
  topP: 1,
  seed: 0,
  step: undefined,
  backend: 'cpu',
  ...overrides,
});
const losses = async (run: string) =>
  (await readFile(join(run, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { step: number; loss: number; evalLoss?: number; seconds: number })
    .map(({ step, loss, evalLoss, seconds }) => ({ step, loss, evalLoss, seconds }));

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'text-lm-'));
  textFile = join(dir, 'two-cities.txt');
  await writeFile(textFile, text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('text-lm train and sample', { timeout: 180_000 }, () => {
  it('trains, keeps the tokenizer beside the checkpoints, and resumes exactly where it stopped', async () => {
    const run = join(dir, 'run');
    const before = tf.memory().numTensors;
    const { summary: first, startedAt } = await trainCommand(trainArgs(run), {
      stdout: quiet,
      backend: 'cpu',
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(startedAt).toBe(0);
    expect(first).toMatchObject({
      text: { path: textFile, characters: text.length },
      tokenizer: { kind: 'char' },
      step: 6,
    });
    // 948 characters, one id each: the last ⌊948 × 0.2⌋ = 189 held out.
    expect(first.tokens).toEqual({ train: 759, heldOut: 189 });
    const tokenizer = await loadTokenizer(join(run, 'tokenizer.json'));
    expect(tokenizer.vocabSize).toBe(first.tokenizer.vocabSize);
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    expect(await listCheckpoints(run)).toEqual([3, 6]);
    const uninterrupted = await losses(run);
    expect(uninterrupted.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(uninterrupted.filter((m) => m.evalLoss !== undefined).map((m) => m.step)).toEqual([3, 6]);
    expect(first.heldOutLoss).toBe(uninterrupted[5]?.evalLoss);
    expect(first.trainLoss).toBeCloseTo(
      ((uninterrupted[3]?.loss ?? 0) + (uninterrupted[4]?.loss ?? 0) + (uninterrupted[5]?.loss ?? 0)) / 3,
      12,
    );
    expect(await readFile(join(run, 'loss.svg'), 'utf8')).toMatch(/^<svg[\s\S]*held-out[\s\S]*<\/svg>$/);
    expect(first.updateSeconds).toBeCloseTo(
      uninterrupted.reduce((sum, m) => sum + m.seconds, 0),
      9,
    );
    expect(JSON.parse(await readFile(join(run, 'summary.json'), 'utf8'))).toEqual(first);

    // Rerun: finished, nothing to train.
    const again = await trainCommand(trainArgs(run), { stdout: quiet, backend: 'cpu' });
    expect(again.startedAt).toBe(6);
    expect(again.summary).toEqual(first); // the summary describes the run, not the invocation
    expect(await losses(run)).toEqual(uninterrupted);

    // A run stopped after step 3's checkpoint (the later one never written) continues to the same losses.
    await rm(join(run, checkpointDirName(6)), { recursive: true });
    await unlink(join(run, 'latest'));
    const resumed = await trainCommand(trainArgs(run), { stdout: quiet, backend: 'cpu' });
    expect(resumed.startedAt).toBe(3);
    expect((await losses(run)).map(({ seconds: _, ...m }) => m)).toEqual(
      uninterrupted.map(({ seconds: _, ...m }) => m),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses other settings on an existing run, naming what differs, and starts over with fresh', async () => {
    const run = join(dir, 'run');
    const error = await trainCommand(trainArgs(run, { plan: { ...trainArgs(run).plan, steps: 8 } }), {
      stdout: quiet,
      backend: 'cpu',
    }).catch((e: unknown) => e);
    expect(KitError.isInstance(error) && error.code === 'STALE_RUN').toBe(true);
    expect((error as Error).message).toBe(
      `${join(run, 'run.json')}: the run there was made with other settings (plan.steps: 6 → 8); rerun with its ` +
        'settings to resume it, pass --fresh to replace it, or --out <another directory>',
    );
    const fresh = await trainCommand(
      trainArgs(run, { fresh: true, plan: { ...trainArgs(run).plan, steps: 3 } }),
      { stdout: quiet, backend: 'cpu' },
    );
    expect(fresh.startedAt).toBe(0);
    expect(fresh.summary.step).toBe(3);
    expect(await listCheckpoints(run)).toEqual([3]);
    expect((await losses(run)).map((m) => m.step)).toEqual([1, 2, 3]);
  });

  it('samples reproducibly by seed from the latest or a chosen checkpoint, past the context length', async () => {
    const run = join(dir, 'sampled');
    await trainCommand(trainArgs(run), { stdout: quiet, backend: 'cpu' });
    const before = tf.memory().numTensors;
    const a = await sampleCommand(sampleArgs(run));
    expect(tf.memory().numTensors).toBe(before);
    expect(a.step).toBe(6);
    expect(a.prompt).toBe('It was');
    expect(a.tokens).toBe(20); // 20 new tokens when the context holds 16: the window slid
    expect(await sampleCommand(sampleArgs(run))).toEqual(a);
    expect((await sampleCommand(sampleArgs(run, { seed: 1 }))).text).not.toBe(a.text);
    expect((await sampleCommand(sampleArgs(run, { step: 3 }))).step).toBe(3);
    // A start text longer than the context: the model sees its last 16 characters.
    const long = await sampleCommand(sampleArgs(run, { start: text.slice(0, 40), temperature: 0 }));
    expect(long.prompt).toBe(text.slice(24, 40));
    const error = await sampleCommand(sampleArgs(run, { start: 'It was ☃' })).catch((e: unknown) => e);
    expect(KitError.isInstance(error) && error.code === 'USAGE').toBe(true);
    expect((error as Error).message).toBe(
      '--start: has characters the training text never had ("☃"); the model cannot read them',
    );
  });

  it('trains with a byte-level BPE learned from the training part of the text', async () => {
    const run = join(dir, 'bpe');
    const { summary } = await trainCommand(trainArgs(run, { tokenizer: { kind: 'bpe', vocabSize: 280 } }), {
      stdout: quiet,
      backend: 'cpu',
    });
    expect(summary.tokenizer).toEqual({ kind: 'bpe', vocabSize: 280 });
    const tokenizer = await loadTokenizer(join(run, 'tokenizer.json'));
    expect(summary.tokens.train + summary.tokens.heldOut).toBe(tokenizer.encode(text).length);
    const sample = await sampleCommand(sampleArgs(run, { start: 'It was ☃' })); // bytes: nothing is unknown
    expect(sample.prompt).toBe('It was ☃');
    expect(sample.tokens).toBe(20);
  });
});
