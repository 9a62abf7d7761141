import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrainCallbacks } from '../train/callbacks.js';
import { jsonlMetricsLog } from '../train/metrics-log.js';
import { countingBatch, createBigram, type TokenBatch } from '../train/test-helpers/bigram.js';
import { type TrainOptions, train } from '../train/trainer.js';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CheckpointError } from './errors.js';
import { failAt } from './test-helpers/crashing-fs.js';

// A full disk is simulated: the file system reports ENOSPC at a chosen file, as a real one does.
vi.mock('node:fs/promises', async (original) =>
  (await import('./test-helpers/crashing-fs.js')).crashingFs(await original()),
);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-io-'));
  Object.assign(failAt, { open: '', rename: '', code: '' });
});
afterEach(async () => {
  Object.assign(failAt, { open: '', rename: '', code: '' });
  await rm(dir, { recursive: true, force: true });
});

/** Trains the bigram model with `options`; returns the error and the steps that ran. */
async function runTraining(options: Partial<TrainOptions<TokenBatch>>) {
  const model = createBigram({ vocabSize: 13, dim: 8 });
  const stepsRun: number[] = [];
  const counter: TrainCallbacks = { onStep: (m) => void stepsRun.push(m.step) };
  try {
    const error = await train<TokenBatch>({
      params: model.params,
      lossFn: model.loss,
      batches: (step, micro) => countingBatch(step, micro, { batch: 2, time: 6, vocabSize: 13 }),
      steps: 6,
      checkpoint: { dir, every: 2, config: { v: 1 } },
      ...options,
      callbacks: [counter, ...(options.callbacks ?? [])],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, stepsRun };
  } finally {
    model.dispose();
  }
}

describe('I/O failures', () => {
  it('a full disk at the step-4 save surfaces with the path and step; step 2 stays loadable', async () => {
    const diskFills: TrainCallbacks = {
      onCheckpoint({ step }) {
        if (step === 2) Object.assign(failAt, { open: 'optimizer.safetensors', code: 'ENOSPC' });
      },
    };
    const { error } = await runTraining({ callbacks: [diskFills] });
    Object.assign(failAt, { open: '', code: '' });
    expect(CheckpointError.isInstance(error)).toBe(true);
    const file = `${dir}/.tmp-ckpt-00000004-${process.pid}/optimizer.safetensors`;
    expect(error).toMatchObject({ code: 'CHECKPOINT_WRITE_FAILED', file });
    expect((error as Error).message).toBe(
      `${file}: cannot write the checkpoint of step 4: ENOSPC: simulated system error, open '${file}' ` +
        '(the disk is full; free space and resume)',
    );
    expect(((error as Error).cause as { code?: string }).code).toBe('ENOSPC');
    expect(await listCheckpoints(dir)).toEqual([2]);
    expect((await readdir(dir)).filter((e) => e.startsWith('.tmp-'))).toEqual([]);
    const kept = await loadCheckpoint(dir);
    expect(kept.step).toBe(2);
    tf.dispose([kept.params, kept.optimizerState ?? {}]);
  });

  it('an unwritable checkpoint.dir is found at the start, before any step', async () => {
    // /sys refuses new files (EACCES), even to root.
    const { error, stepsRun } = await runTraining({ checkpoint: { dir: '/sys', every: 50, config: {} } });
    expect(stepsRun).toEqual([]);
    expect(error).toMatchObject({ code: 'CHECKPOINT_WRITE_FAILED', file: '/sys' });
    expect((error as Error).message).toMatch(
      /^\/sys: cannot write to the checkpoint directory: E(ACCES|ROFS|PERM):/,
    );
  });

  it('a missing directory on a file system that refuses new ones is named with its existing parent', async () => {
    // /proc reports ENOENT for a new directory although /proc exists (and Node's recursive mkdir spins there).
    const { error, stepsRun } = await runTraining({
      checkpoint: { dir: '/proc/bntp-missing/run', every: 50, config: {} },
    });
    expect(stepsRun).toEqual([]);
    expect(error).toMatchObject({ code: 'CHECKPOINT_WRITE_FAILED', file: '/proc/bntp-missing' });
    expect((error as Error).message).toBe(
      '/proc/bntp-missing: cannot create the directory: its parent /proc exists but refused a new directory ' +
        '(ENOENT): a read-only or virtual file system?',
    );
  });

  it('directories are created with the umask applied, like mkdir', async () => {
    const previous = process.umask(0o027);
    try {
      const params = { w: tf.zeros([2]) };
      const nested = join(dir, 'a', 'b');
      const path = await saveCheckpoint(nested, { step: 1, config: {}, params });
      tf.dispose(params);
      for (const d of [join(dir, 'a'), nested, path]) expect((await stat(d)).mode & 0o777).toBe(0o750);
    } finally {
      process.umask(previous);
    }
  });
});

describe('re-running train() into a directory that holds checkpoints', () => {
  it('without resume is refused before anything runs, and the metrics log is kept', async () => {
    const log = join(dir, 'metrics.jsonl');
    await runTraining({ steps: 4, callbacks: [jsonlMetricsLog({ path: log })] });
    const lines = await readFile(log, 'utf8');
    expect(lines.trim().split('\n')).toHaveLength(4);
    const { error, stepsRun } = await runTraining({ steps: 4, callbacks: [jsonlMetricsLog({ path: log })] });
    expect(stepsRun).toEqual([]);
    expect(CheckpointError.isInstance(error) && error.code).toBe('CHECKPOINT_EXISTS');
    expect((error as Error).message).toBe(
      `${dir}: holds checkpoints of steps [2, 4] from an earlier run; pass resume: true to continue it, ` +
        'checkpoint.overwrite: true to delete them and start afresh, or another checkpoint.dir',
    );
    expect(await readFile(log, 'utf8')).toBe(lines);
  });

  it('with checkpoint.overwrite deletes the earlier checkpoints and starts afresh', async () => {
    await runTraining({ steps: 6 });
    expect(await listCheckpoints(dir)).toEqual([4, 6]);
    await writeFile(join(dir, 'notes.txt'), 'kept');
    const { error } = await runTraining({
      steps: 2,
      checkpoint: { dir, every: 2, config: { v: 2 }, overwrite: true },
    });
    expect(error).toBeUndefined();
    expect(await listCheckpoints(dir)).toEqual([2]);
    const latest = await loadCheckpoint(dir);
    expect(latest.config).toEqual({ v: 2 });
    tf.dispose([latest.params, latest.optimizerState ?? {}]);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('kept');
  });

  it('overwrite and resume together are refused', async () => {
    const { error } = await runTraining({
      resume: true,
      checkpoint: { dir, every: 2, config: {}, overwrite: true },
    });
    expect(error).toMatchObject({ code: 'INVALID_TRAINING_ARGUMENT', field: 'checkpoint.overwrite' });
  });
});
