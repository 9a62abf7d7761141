import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { countingBatch, createBigram, type TokenBatch } from '../train/test-helpers/bigram.js';
import { train } from '../train/trainer.js';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CheckpointError } from './errors.js';

const child = fileURLToPath(new URL('../train/test-helpers/train-until-told.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bntp-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with the process's stdout once it printed `line`; rejects if it exits first. */
function waitFor(proc: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`${line}\n`)) resolve();
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    proc.on('exit', (code) => reject(new Error(`exited (${code}) before "${line}": ${out}${err}`)));
  });
}

/** A pid that is certainly not running: a process that has exited. */
async function deadPid(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => proc.on('exit', resolve));
  return proc.pid as number;
}

function trainHere(steps: number) {
  const model = createBigram({ vocabSize: 13, dim: 8 }, 9);
  return {
    model,
    run: () =>
      train<TokenBatch>({
        params: model.params,
        lossFn: model.loss,
        batches: (step, micro) => countingBatch(step, micro, { batch: 2, time: 6, vocabSize: 13 }),
        steps,
        seed: 9,
        checkpoint: { dir, every: 1, config: { run: 'second' } },
      }),
  };
}

describe('one writer per checkpoint directory', () => {
  it('two processes: the second writer is refused and the first run completes with its checkpoints intact', async () => {
    const first = spawn(process.execPath, ['--import', 'tsx', child, dir, '4'], { cwd: root, stdio: 'pipe' });
    await waitFor(first, 'started');
    const second = trainHere(4);
    const before = tf.memory().numTensors;
    const error = await thrown(CheckpointError, second.run);
    expect(error.code).toBe('CHECKPOINT_LOCKED');
    expect(error.message).toMatch(
      new RegExp(
        `^${dir}: process ${first.pid} on ${hostname()} \\(since .+\\) is writing checkpoints here \\(lock file ${dir}/\\.lock\\)`,
      ),
    );
    expect(tf.memory().numTensors).toBe(before);
    second.model.dispose();
    const done = waitFor(first, 'done');
    first.stdin.write('go\n');
    await done;
    expect(await listCheckpoints(dir)).toEqual([3, 4]);
    const latest = await loadCheckpoint(dir);
    expect(latest).toMatchObject({ step: 4, config: { run: 'first' }, trainerState: { seed: 5 } });
    tf.dispose([latest.params, latest.optimizerState ?? {}]);
    expect(await readdir(dir)).not.toContain('.lock'); // released
  });

  it("a stale lock (its process is gone) is taken over; a live process's lock is refused", async () => {
    await mkdir(dir, { recursive: true });
    const lock = (pid: number) =>
      writeFile(
        join(dir, '.lock'),
        JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }),
      );
    await lock(await deadPid());
    const params = { w: tf.zeros([2]) };
    await saveCheckpoint(dir, { step: 1, config: {}, params });
    expect(await readdir(dir)).not.toContain('.lock');
    const sleeper = spawn('sleep', ['30']);
    try {
      await lock(sleeper.pid as number);
      const error = await thrown(CheckpointError, () => saveCheckpoint(dir, { step: 2, config: {}, params }));
      expect(error.code).toBe('CHECKPOINT_LOCKED');
      expect(error.message).toContain(
        `process ${sleeper.pid} on ${hostname()} (since 2026-01-01T00:00:00.000Z)`,
      );
      expect(await listCheckpoints(dir)).toEqual([1]);
    } finally {
      sleeper.kill();
      tf.dispose(params);
    }
  });

  it('a save leaves the temporaries of a live process alone and removes those of a dead one', async () => {
    const sleeper = spawn('sleep', ['30']);
    const params = { w: tf.zeros([2]) };
    try {
      const live = `.tmp-ckpt-00000007-${sleeper.pid}`;
      const dead = `.tmp-ckpt-00000007-${await deadPid()}`;
      await mkdir(join(dir, live), { recursive: true });
      await mkdir(join(dir, dead), { recursive: true });
      await saveCheckpoint(dir, { step: 1, config: {}, params });
      const entries = await readdir(dir);
      expect(entries).toContain(live);
      expect(entries).not.toContain(dead);
    } finally {
      sleeper.kill();
      tf.dispose(params);
    }
  });

  it('two runs in one process into one directory: the second is refused', async () => {
    const first = trainHere(3);
    const second = trainHere(3);
    const results = await Promise.allSettled([first.run(), second.run()]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(CheckpointError.isInstance((refused[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(((refused[0] as PromiseRejectedResult).reason as CheckpointError).code).toBe('CHECKPOINT_LOCKED');
    first.model.dispose();
    second.model.dispose();
  });
});
