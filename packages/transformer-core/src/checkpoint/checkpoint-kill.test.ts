import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint.js';

const child = fileURLToPath(new URL('./test-helpers/save-forever.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Starts a process that saves checkpoints back to back and SIGKILLs it after `saves` completed saves. */
function killDuringSaves(dir: string, saves: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], { cwd: root, stdio: 'pipe' });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Saves run back to back, so the kill lands in the middle of writing the next checkpoint.
      if (out.includes(`saved ${saves}\n`)) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    proc.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`save loop exited without being killed: ${err}`));
    });
  });
}

it('a process killed while saving leaves a complete, loadable latest checkpoint', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bntp-kill-'));
  try {
    for (const saves of [2, 3]) {
      await killDuringSaves(dir, saves);
      const loaded = await loadCheckpoint(dir);
      // The kill came after `saves` completed saves; a later one may have completed before the signal landed.
      expect(loaded.step).toBeGreaterThanOrEqual(saves);
      expect(loaded.config).toEqual({ step: loaded.step });
      expect(loaded.trainerState).toEqual({ filled: loaded.step, step: loaded.step });
      for (const tensor of [...Object.values(loaded.params), ...Object.values(loaded.optimizerState ?? {})]) {
        const values = await tensor.data();
        expect(values.every((v) => v === loaded.step)).toBe(true);
      }
      tf.dispose([loaded.params, loaded.optimizerState ?? {}]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
