import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { toyExperiment } from '../test/toy-experiment.js';
import { KitError } from './errors.js';
import { main } from './main.js';

const dirs: string[] = [];
afterEach(async () => {
  process.exitCode = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function capture() {
  const text: string[] = [];
  return { stream: { write: (t: string) => text.push(t) }, text: () => text.join('') };
}

const script = new URL('../demo/main.ts', import.meta.url).pathname;

it('prints a usage error with a pointer to --help and exits with status 2', async () => {
  const { experiment } = toyExperiment({ dir: tmpdir() });
  const stderr = capture();
  const result = await main(experiment, {
    argv: ['--quick', '--seeds', 'three'],
    stderr: stderr.stream,
    script,
  });
  expect(result).toBeUndefined();
  expect(stderr.text()).toBe(
    '--seeds: "three": "three" is not a non-negative integer; give a count (3), a range (4..6) or a list (0,5,9)\n' +
      'Run with --help for the options.\n',
  );
  expect(process.exitCode).toBe(2);
});

it('reports an app option its conditions refuse as a usage error too', async () => {
  const out = await mkdtemp(join(tmpdir(), 'kit-main-'));
  dirs.push(out);
  const { experiment } = toyExperiment({ dir: tmpdir() });
  const refusing = {
    ...experiment,
    conditions: () => {
      throw new KitError('USAGE', '--size', 'must be small or large, got huge');
    },
  };
  const stderr = capture();
  const argv = ['--smoke', '--backend', 'cpu', '--out', out];
  expect(
    await main(refusing, { argv, stderr: stderr.stream, stdout: capture().stream, script }),
  ).toBeUndefined();
  expect(stderr.text()).toBe('--size: must be small or large, got huge\nRun with --help for the options.\n');
  expect(process.exitCode).toBe(2);
});

it('prints the help text with the command to run', async () => {
  const { experiment } = toyExperiment({ dir: tmpdir() });
  const stdout = capture();
  expect(await main(experiment, { argv: ['--help'], stdout: stdout.stream, script })).toBeUndefined();
  expect(stdout.text()).toContain(
    'Usage: tsx examples/kit/demo/main.ts [--smoke | --quick | --full] [options]',
  );
  expect(process.exitCode).toBeUndefined();
});

it('initialises the backend asked for and records it, the commit and the command with every run', async () => {
  const out = await mkdtemp(join(tmpdir(), 'kit-main-'));
  dirs.push(out);
  const { experiment } = toyExperiment({ dir: fileURLToPath(new URL('..', import.meta.url)) });
  const argv = ['--smoke', '--backend', 'cpu', '--out', out, '--seeds', '1'];
  const file = await main(experiment, { argv, stdout: capture().stream, script, live: false });
  expect(file?.backend).toMatch(/^backend: cpu/);
  expect(file?.command).toBe(`tsx examples/kit/demo/main.ts --smoke --backend cpu --out ${out} --seeds 1`);
  expect(file?.git?.commit).toMatch(/^[0-9a-f]{40}$/); // this repository's HEAD
  expect(file?.runs.map((r) => [r.id, r.backend, r.command, r.git])).toEqual([
    ['slow-seed0', 'cpu', file?.command, file?.git],
    ['fast-seed0', 'cpu', file?.command, file?.git],
  ]);
});
