import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointDirName, listCheckpoints, loadCheckpoint } from '../checkpoint/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../checkpoint/safetensors.js';
import type { StepMetrics, TrainCallbacks } from './callbacks.js';
import { InvalidTrainingArgumentError, NonFiniteLossError } from './errors.js';
import { evaluate } from './evaluate.js';
import { jsonlMetricsLog } from './metrics-log.js';
import { progressReporter } from './progress.js';
import { warmupCosineSchedule } from './schedule.js';
import { countingBatch, createBigram, type TokenBatch } from './test-helpers/bigram.js';
import { killAt } from './test-helpers/kill-at.js';
import { type TrainOptions, train } from './trainer.js';

const shape = { batch: 2, time: 6, vocabSize: 13 };
const modelConfig = { vocabSize: 13, dim: 8, dropout: 0.1 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-train-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Records every step's metrics and the live tensor count after it. */
function recorder() {
  const steps: StepMetrics[] = [];
  const tensorCounts: number[] = [];
  const callback: TrainCallbacks = {
    onStep(metrics) {
      steps.push(metrics);
      tensorCounts.push(tf.memory().numTensors);
    },
  };
  return { steps, tensorCounts, callback, losses: () => steps.map((m) => m.loss) };
}

/** A full-featured run of the test model: dropout, schedule, clipping, accumulation, evaluation. */
async function run(overrides: Partial<TrainOptions<TokenBatch>> & { initSeed?: number } = {}) {
  const { initSeed = 1, ...rest } = overrides;
  const model = createBigram(modelConfig, initSeed);
  const record = recorder();
  try {
    const result = await train<TokenBatch>({
      params: model.params,
      lossFn: model.loss,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 12,
      learningRate: warmupCosineSchedule({ maxLr: 0.05, warmupSteps: 3, decaySteps: 12 }),
      clipNorm: 0.5,
      accumulate: 2,
      seed: 42,
      tokensPerStep: 24,
      ...rest,
      callbacks: [record.callback, ...(rest.callbacks ?? [])],
    });
    const weights = Array.from(await (model.params['wte.weight'] as tf.Variable).data());
    return { result, record, weights };
  } finally {
    model.dispose();
  }
}

describe('train', () => {
  it('overfits a fixed batch to near-zero loss', async () => {
    const model = createBigram({ vocabSize: 13, dim: 16 }, 3);
    const batch = countingBatch(0, 0, { batch: 4, time: 13, vocabSize: 13 });
    const result = await train<TokenBatch>({
      params: model.params,
      lossFn: model.loss,
      batches: () => batch, // made outside the step, so the trainer must not free it
      steps: 150,
      learningRate: 0.05,
      optimizer: { weightDecay: 0 },
    });
    expect(result.loss).toBeLessThan(0.02);
    tf.dispose(batch);
    model.dispose();
  });

  it('is deterministic for a seed, dropout included, and the seed matters', async () => {
    const first = await run();
    const second = await run();
    const otherSeed = await run({ seed: 43 });
    expect(first.record.losses()).toHaveLength(12);
    expect(second.record.losses()).toEqual(first.record.losses());
    expect(second.weights).toEqual(first.weights);
    expect(otherSeed.record.losses()).not.toEqual(first.record.losses());
  });

  it('keeps the tensor count constant across 20 steps and frees everything it made', async () => {
    const before = tf.memory().numTensors;
    const model = createBigram(modelConfig);
    const withModel = tf.memory().numTensors;
    const record = recorder();
    await train<TokenBatch>({
      params: model.params,
      lossFn: model.loss,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 20,
      accumulate: 2,
      evaluate: { every: 5, batches: () => [countingBatch(99, 0, shape)] },
      callbacks: [record.callback],
      checkpoint: { dir, every: 10, config: modelConfig },
    });
    expect(new Set(record.tensorCounts)).toEqual(new Set([record.tensorCounts[0]]));
    expect(tf.memory().numTensors).toBe(withModel);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports step metrics, evaluation loss and a JSONL log line per step', async () => {
    const log = join(dir, 'logs', 'metrics.jsonl');
    const { record, result } = await run({
      evaluate: { every: 4, batches: [countingBatch(100, 0, shape), countingBatch(101, 0, shape)] },
      callbacks: [jsonlMetricsLog({ path: log })],
    });
    const lines = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual(JSON.parse(JSON.stringify(record.steps)));
    expect(lines.map((line) => line.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(lines.filter((line) => 'evalLoss' in line).map((line) => line.step)).toEqual([4, 8, 12]);
    const first = record.steps[0] as StepMetrics;
    expect(first.lr).toBeCloseTo(0.05 / 4, 12);
    expect(first.gradNorm).toBeGreaterThan(0);
    expect(first.tokensPerSecond).toBeCloseTo(24 / first.seconds, 6);
    expect(result.evalLoss).toBe(record.steps[11]?.evalLoss);
  });

  it('prints periodic progress lines when the stream is not a terminal', async () => {
    const written: string[] = [];
    await run({
      steps: 10,
      callbacks: [progressReporter({ stream: { write: (t) => written.push(t) }, logEvery: 4 })],
    });
    expect(written).toHaveLength(3); // steps 4, 8 and the last one
    expect(written[0]).toMatch(
      /^step 4\/10 loss \d+\.\d{4} lr \d\.\d{2}e-\d gnorm \d+\.\d{3} \d+ tok\/s eta \d+s\n$/,
    );
    expect(written[2]).toMatch(/^step 10\/10 /);
  });

  it('draws a live progress bar on a terminal', async () => {
    const written: string[] = [];
    const terminal = Object.assign(new (await import('node:stream')).Writable(), {
      isTTY: true,
      columns: 120,
      write: (text: string) => written.push(String(text)),
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    await run({ steps: 3, callbacks: [progressReporter({ stream: terminal })] });
    expect(written.join('')).toMatch(
      /train \[.*\] 3\/3 \| loss \d+\.\d{4} \| eval - \| lr \d\.\d{2}e-\d \| .* \| eta \d+s/,
    );
    expect(written.join('')).toContain('\u001b[?25h'); // cursor shown again
    // A failing run also restores the cursor.
    written.length = 0;
    const failing: TrainCallbacks = {
      onStep: () => {
        throw new Error('stop');
      },
    };
    await expect(
      run({ steps: 3, callbacks: [progressReporter({ stream: terminal }), failing] }),
    ).rejects.toThrow('stop');
    expect(written.join('')).toContain('\u001b[?25h');
  });

  it('stops with a typed error naming the step of a NaN loss and keeps the last good checkpoint', async () => {
    const model = createBigram(modelConfig);
    const poisoned = (batch: TokenBatch, context: { training: boolean; step: number; seed: number }) =>
      tf.tidy(() => {
        const loss = model.loss(batch, context);
        return context.step === 6 ? (tf.mul(loss, Number.NaN) as tf.Scalar) : loss;
      });
    const error = await train<TokenBatch>({
      params: model.params,
      lossFn: poisoned,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 12,
      checkpoint: { dir, every: 5, config: modelConfig },
    }).catch((e: unknown) => e);
    expect(NonFiniteLossError.isInstance(error)).toBe(true);
    expect((error as NonFiniteLossError).step).toBe(7);
    expect((error as Error).message).toMatch(/loss is not finite at step 7/);
    expect(await listCheckpoints(dir)).toEqual([5]);
    const kept = await loadCheckpoint(dir);
    expect(kept.step).toBe(5);
    const values = await (kept.params['wte.weight'] as tf.Tensor).data();
    expect(Array.from(values).every(Number.isFinite)).toBe(true);
    // The poisoned update was not applied.
    expect(Array.from(await (model.params['wte.weight'] as tf.Variable).data()).every(Number.isFinite)).toBe(
      true,
    );
    tf.dispose([kept.params, kept.optimizerState ?? {}]);
    model.dispose();
  });

  it('names the gradient norm when only the gradient is not finite', async () => {
    const model = createBigram(modelConfig);
    // sqrt has an infinite derivative at 0: a finite loss with an infinite gradient.
    const lossFn = (batch: TokenBatch, context: { training: boolean; step: number; seed: number }) =>
      tf.tidy(
        () =>
          tf.add(
            model.loss(batch, context),
            tf.sqrt(tf.sum(tf.mul(model.params['head.bias'] as tf.Variable, 0))),
          ) as tf.Scalar,
      );
    const error = await train<TokenBatch>({
      params: model.params,
      lossFn,
      batches: (step, micro) => countingBatch(step, micro, shape),
      steps: 3,
    }).catch((e: unknown) => e);
    expect(NonFiniteLossError.isInstance(error) && error.step).toBe(1);
    expect((error as Error).message).toMatch(/^gradient norm is not finite at step 1 \(loss \d/);
    model.dispose();
  });

  it('resumes after an interruption with exactly the losses of an uninterrupted run', async () => {
    const uninterrupted = await run({ checkpoint: { dir: join(dir, 'a'), every: 4, config: modelConfig } });
    // Simulate a kill after step 10: the last checkpoint is step 8, steps 9 and 10 are lost.
    const killed = await run({
      checkpoint: { dir: join(dir, 'b'), every: 4, config: modelConfig },
      callbacks: [killAt(10)],
    }).catch((e: unknown) => e);
    expect((killed as Error).message).toBe('killed');
    // A different initialisation proves the weights come from the checkpoint.
    const resumed = await run({
      initSeed: 99,
      resume: true,
      checkpoint: { dir: join(dir, 'b'), every: 4, config: modelConfig },
    });
    expect(resumed.result.resumedFrom).toBe(8);
    expect(resumed.record.steps.map((m) => m.step)).toEqual([9, 10, 11, 12]);
    expect(resumed.record.losses()).toEqual(uninterrupted.record.losses().slice(8));
    expect(resumed.weights).toEqual(uninterrupted.weights);
  });

  it('resumes a checkpoint of the old layout, where every parameter gets its one optimizerStep', async () => {
    const uninterrupted = await run({ checkpoint: { dir: join(dir, 'a'), every: 4, config: modelConfig } });
    await run({
      checkpoint: { dir: join(dir, 'b'), every: 4, config: modelConfig },
      callbacks: [killAt(10)],
    }).catch(() => undefined);
    // Rewrite checkpoint 8 as version 1 wrote it: no `step.<param>` counts, only the global optimizerStep.
    const path = join(dir, 'b', checkpointDirName(8));
    const optimizerFile = join(path, 'optimizer.safetensors');
    const { tensors } = decodeSafetensors(await readFile(optimizerFile), optimizerFile);
    const moments = Object.fromEntries(Object.entries(tensors).filter(([key]) => !key.startsWith('step.')));
    expect(Object.keys(moments)).toHaveLength(6);
    await writeFile(optimizerFile, encodeSafetensors(moments, { format: 'pt' }));
    const stateFile = join(path, 'trainer-state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(state).toMatchObject({ version: 3, optimizerStep: 8 });
    const resumeFrom = (version: number) =>
      writeFile(stateFile, JSON.stringify({ ...state, version })).then(() =>
        run({
          initSeed: 99,
          resume: true,
          checkpoint: { dir: join(dir, 'b'), every: 100, config: modelConfig },
        }),
      );
    // Versions 2 and 3 must have the counts.
    await expect(resumeFrom(3)).rejects.toThrow(/optimizer\.safetensors has no per-parameter counts/);
    await expect(resumeFrom(2)).rejects.toThrow(/optimizer\.safetensors has no per-parameter counts/);
    // Every parameter had a gradient in each of the 8 updates, so the global count is each one's count and the
    // run continues exactly.
    const resumed = await resumeFrom(1);
    expect(resumed.record.losses()).toEqual(uninterrupted.record.losses().slice(8));
    expect(resumed.weights).toEqual(uninterrupted.weights);
  });

  it('resumes an iterable batch source at the right position and trims the metrics log', async () => {
    function* stream(): Generator<TokenBatch> {
      for (let i = 0; ; i++) yield countingBatch(i, 0, shape);
    }
    const log = join(dir, 'metrics.jsonl');
    const options = {
      batches: stream(),
      steps: 9,
      accumulate: 1,
      callbacks: [jsonlMetricsLog({ path: log })],
      checkpoint: { dir: join(dir, 'it'), every: 3, config: modelConfig },
    };
    const whole = await run({
      ...options,
      checkpoint: { dir: join(dir, 'whole'), every: 3, config: modelConfig },
    });
    await run({
      ...options,
      batches: stream(),
      callbacks: [...options.callbacks, killAt(5)],
    }).catch(() => undefined);
    const resumed = await run({ ...options, batches: stream(), resume: true });
    expect(resumed.record.losses()).toEqual(whole.record.losses().slice(3));
    const steps = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('validates its options with errors naming the field', async () => {
    const model = createBigram(modelConfig);
    const base = {
      params: model.params,
      lossFn: model.loss,
      batches: () => countingBatch(0, 0, shape),
      steps: 2,
    };
    const fieldOf = (options: TrainOptions<TokenBatch>) =>
      train(options).then(
        () => 'no error',
        (e: unknown) => (InvalidTrainingArgumentError.isInstance(e) ? e.field : String(e)),
      );
    expect(await fieldOf({ ...base, steps: -1 })).toBe('steps');
    expect(await fieldOf(undefined as never)).toBe('steps'); // read as {}: the first missing field is named
    expect(await fieldOf(null as never)).toBe('train options');
    expect(await fieldOf({ ...base, accumulate: 0 })).toBe('accumulate');
    expect(await fieldOf({ ...base, clipNorm: 0 })).toBe('clipNorm');
    expect(await fieldOf({ ...base, learningRate: -1 })).toBe('learningRate');
    expect(await fieldOf({ ...base, resume: true })).toBe('resume');
    expect(await fieldOf({ ...base, batches: 5 as unknown as () => TokenBatch })).toBe('batches');
    expect(await fieldOf({ ...base, batches: [] })).toBe('batches');
    expect(await fieldOf({ ...base, evaluate: { every: 0, batches: [] } })).toBe('evaluate.every');
    expect(await fieldOf({ ...base, checkpoint: { dir: '', every: 1, config: {} } })).toBe('checkpoint.dir');
    expect(await fieldOf({ ...base, checkpoint: { dir, every: 1, config: { n: 1n } } })).toBe(
      'checkpoint.config',
    );
    await expect(train({ ...base, resume: true, checkpoint: { dir, every: 1, config: {} } })).rejects.toThrow(
      /no checkpoint/,
    );
    model.dispose();
  });
});

describe('evaluate', () => {
  it('returns the mean loss over the batches and leaves no tensors', async () => {
    const model = createBigram(modelConfig);
    const batches = [countingBatch(1, 0, shape), countingBatch(2, 0, shape)];
    const context = { training: false, step: 0, seed: 0 };
    const each = batches.map((b) => model.loss(b, context).dataSync()[0] as number);
    const before = tf.memory().numTensors;
    const mean = await evaluate({ lossFn: model.loss, batches });
    expect(tf.memory().numTensors).toBe(before);
    expect(mean).toBeCloseTo(((each[0] as number) + (each[1] as number)) / 2, 5);
    await expect(evaluate({ lossFn: model.loss, batches: [] })).rejects.toThrow(/evaluate\.batches/);
    model.dispose();
  });
});
