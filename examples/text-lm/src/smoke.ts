// `pnpm --filter @beyond-ntp-examples/text-lm smoke` (CI): the command line end to end in seconds, on this app's
// own README as the text. A tiny model trains for 4 steps, the rerun resumes (finished: nothing to do), `sample`
// generates from the checkpoint, and a bad flag fails with one line and status 2.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from './train-command.js';

const main = fileURLToPath(new URL('main.ts', import.meta.url));
const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const out = await mkdtemp(join(tmpdir(), 'text-lm-smoke-'));
const tiny = ['--context=16', '--d-model=16', '--layers=1', '--heads=2', '--batch-size=4', '--steps=4'];
const schedule = ['--warmup=1', '--eval-every=2', '--eval-batches=1', '--checkpoint-every=2'];

/** Runs the app's command line; returns its output, or throws with it when the status is not `status`. */
function run(args: string[], status = 0): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8' });
  process.stdout.write(result.stdout.replace(/^.*\n/gm, (line) => `  ${line}`));
  if (result.status !== status) {
    throw new Error(`text-lm ${args[0]} exited with ${result.status}, expected ${status}:\n${result.stderr}`);
  }
  return result;
}

try {
  console.log(`train on ${readme}`);
  run(['train', readme, `--out=${out}`, ...tiny, ...schedule]);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
  if (summary.step !== 4 || !Number.isFinite(summary.heldOutLoss)) {
    throw new Error(`unexpected summary: ${JSON.stringify(summary)}`);
  }
  console.log('rerun: resumes the finished run');
  if (!run(['train', readme, `--out=${out}`, ...tiny, ...schedule]).stdout.includes('resuming')) {
    throw new Error('the rerun did not resume');
  }
  console.log('sample');
  const sample = run(['sample', out, '--start=The', '--tokens=24', '--seed=1']).stdout;
  if (!sample.startsWith('[checkpoint of step 4, temperature 0.8, seed 1]\nThe')) {
    throw new Error(`unexpected sample output: ${sample}`);
  }
  console.log('a bad flag');
  const { stderr } = run(['train', readme, '--steps=0'], 2);
  if (!stderr.startsWith('--steps: expected an integer >= 1, got "0"\n'))
    throw new Error(`stderr: ${stderr}`);
  console.log('text-lm smoke passed');
} finally {
  await rm(out, { recursive: true, force: true });
}
