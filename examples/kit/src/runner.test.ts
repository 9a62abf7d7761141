import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scoreAt, toyExperiment } from '../test/toy-experiment.js';
import { parseCli } from './cli.js';
import { KitError } from './errors.js';
import type { Experiment } from './experiment.js';
import type { Json } from './json.js';
import type { ResultsFile } from './report.js';
import { defaultOutDir, runExperiment } from './runner.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kit-runner-'));
  dirs.push(dir);
  return dir;
}

const GIT = { commit: 'c0ffee'.padEnd(40, '0'), dirty: false };

function run<C extends Json>(experiment: Experiment<C>, argv: string[]): Promise<ResultsFile> {
  const printed: string[] = [];
  return runExperiment({
    experiment,
    cli: parseCli({ argv }),
    backend: { name: 'cpu', description: 'backend: cpu (test)' },
    session: { command: `tsx toy.ts ${argv.join(' ')}`, git: GIT },
    stream: { write: (text: string) => printed.push(text) },
    live: false,
  });
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('runExperiment', () => {
  it('runs every condition × seed, seed-major, and stores each run with its provenance', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out, plots: true });
    const file = await run(toy.experiment, ['--smoke', '--out', out]);

    expect(toy.calls.map((c) => c.id)).toEqual(['slow-seed0', 'fast-seed0', 'slow-seed1', 'fast-seed1']);
    expect(file.complete).toBe(true);
    const stored = readJson(join(out, 'runs', 'fast-seed1', 'result.json'));
    expect(stored).toEqual(file.runs[3]);
    expect(stored).toMatchObject({
      id: 'fast-seed1',
      condition: 'fast',
      seed: 1,
      mode: 'smoke',
      config: { rate: 0.03, steps: 10 },
      units: 10,
      metrics: { score: scoreAt(0.03, 1, 10), steps: 10 },
      backend: 'cpu',
      git: GIT,
      command: `tsx toy.ts --smoke --out ${out}`,
      resumed: false,
    });
    expect(typeof stored.wallSeconds).toBe('number');
    expect(stored.curves.score).toEqual(
      [2, 4, 6, 8, 10].map((step) => ({ step, value: scoreAt(0.03, 1, step) })),
    );
    expect(stored.curves.loss.map((p: { step: number }) => p.step)).toEqual([5, 10]);
    // Finished runs keep no checkpoints; smoke outputs are ignored by git as a whole.
    expect(toy.hasCheckpoint(out, 'fast-seed1')).toBe(false);
    expect(readFileSync(join(out, '.gitignore'), 'utf8')).toBe('*\n');
    expect(readdirSync(join(out, 'plots')).sort()).toEqual(['final.svg', 'score.svg']);
  });

  it('continues a killed run from its checkpoint, skips finished runs, and ends as an uninterrupted run', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    toy.killAt('slow-seed1', 6); // its last checkpoint is at step 4; steps 5 and 6 are lost

    await expect(run(toy.experiment, ['--smoke', '--out', out])).rejects.toThrow(
      'killed slow-seed1 at step 6',
    );
    expect(toy.calls.map((c) => c.id)).toEqual(['slow-seed0', 'fast-seed0', 'slow-seed1']);
    // The two finished runs were written before the kill, and so was a partial report.
    expect(existsSync(join(out, 'runs', 'fast-seed0', 'result.json'))).toBe(true);
    expect(existsSync(join(out, 'runs', 'slow-seed1', 'result.json'))).toBe(false);
    expect(readJson(join(out, 'results.json'))).toMatchObject({
      complete: false,
      runsFinished: 2,
      runsPlanned: 4,
    });
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain(
      '**Partial results: 2 of 4 runs finished**',
    );

    toy.calls.length = 0;
    const resumed = await run(toy.experiment, ['--smoke', '--out', out]);
    expect(toy.calls).toEqual([
      { id: 'slow-seed1', resume: true, startStep: 4 },
      { id: 'fast-seed1', resume: false, startStep: 0 },
    ]);
    expect(resumed.runs.map((r) => [r.id, r.resumed])).toEqual([
      ['slow-seed0', false],
      ['fast-seed0', false],
      ['slow-seed1', true],
      ['fast-seed1', false],
    ]);

    const cleanOut = await tempDir();
    const clean = await run(toyExperiment({ dir: cleanOut }).experiment, ['--smoke', '--out', cleanOut]);
    const comparable = (file: ResultsFile) =>
      file.runs.map(({ id, metrics, curves }) => ({ id, metrics, curves }));
    // Points recorded after the checkpoint by the killed attempt were recorded again, not duplicated.
    expect(comparable(resumed)).toEqual(comparable(clean));
    expect(resumed.summary).toEqual(clean.summary);

    // A third invocation finds everything finished: nothing runs, the reports are rewritten.
    toy.calls.length = 0;
    expect((await run(toy.experiment, ['--smoke', '--out', out])).runsFinished).toBe(4);
    expect(toy.calls).toEqual([]);
  });

  it('restarts a run killed before its first checkpoint, dropping the points it recorded', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    toy.killAt('slow-seed0', 3);
    await expect(run(toy.experiment, ['--smoke', '--out', out])).rejects.toThrow('killed');
    expect(readFileSync(join(out, 'runs', 'slow-seed0', 'curves.jsonl'), 'utf8')).toContain('"step":2');
    const file = await run(toy.experiment, ['--smoke', '--out', out]);
    expect(toy.calls[1]).toEqual({ id: 'slow-seed0', resume: false, startStep: 0 });
    expect(file.runs[0]?.curves.score?.map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
  });

  it('refuses to reuse runs made by another plan, and --fresh starts over', async () => {
    const out = await tempDir();
    await run(toyExperiment({ dir: out }).experiment, ['--smoke', '--out', out]);
    const changed = toyExperiment({ dir: out, rates: { slow: 0.02, fast: 0.03 } });
    const error = await run(changed.experiment, ['--smoke', '--out', out]).catch((e: unknown) => e);
    expect(KitError.isInstance(error) && error.code).toBe('STALE_RUN');
    expect((error as KitError).field).toBe(join(out, 'runs', 'slow-seed0', 'result.json'));
    expect((error as Error).message).toContain('pass --fresh to discard the earlier runs');

    // A different mode is another plan too.
    const quick = await run(toyExperiment({ dir: out }).experiment, ['--quick', '--out', out]).catch(
      (e) => e,
    );
    expect(KitError.isInstance(quick) && quick.code).toBe('STALE_RUN');

    writeFileSync(join(out, 'unrelated.txt'), 'kept');
    const file = await run(changed.experiment, ['--smoke', '--out', out, '--fresh']);
    expect(changed.calls).toHaveLength(4);
    expect(file.runs[0]?.config).toEqual({ rate: 0.02, steps: 10 });
    expect(readFileSync(join(out, 'unrelated.txt'), 'utf8')).toBe('kept');
  });

  it('--report rewrites the report from results.json alone, running nothing', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    const made = await run(toy.experiment, ['--smoke', '--out', out]);
    // The per-run files are not committed: a fresh clone has results.json and the report only.
    await rm(join(out, 'runs'), { recursive: true });
    writeFileSync(join(out, 'results.md'), 'an outdated report\n');
    const rewritten = await run(toy.experiment, ['--smoke', '--out', out, '--report']);
    expect(toy.calls).toHaveLength(4); // the first session's runs only
    expect(rewritten.runs).toEqual(made.runs);
    expect(rewritten.summary).toEqual(made.summary);
    expect(rewritten.command).toBe(`tsx toy.ts --smoke --out ${out} --report`);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('## Verdict');

    // Runs the plan no longer has, or made by another plan, are refused as when running.
    const changed = toyExperiment({ dir: out, rates: { slow: 0.02, fast: 0.03 } });
    const stale = await run(changed.experiment, ['--smoke', '--out', out, '--report']).catch((e) => e);
    expect(KitError.isInstance(stale) && [stale.code, stale.field]).toEqual([
      'STALE_RUN',
      join(out, 'results.json'),
    ]);
    const other = toyExperiment({ dir: out, rates: { fast: 0.03 } });
    const missing = await run(other.experiment, ['--smoke', '--out', out, '--report']).catch((e) => e);
    expect((missing as Error).message).toContain('holds run slow-seed0, which the plan no longer has');

    const empty = await tempDir();
    const nothing = await run(toy.experiment, ['--smoke', '--out', empty, '--report']).catch((e) => e);
    expect(KitError.isInstance(nothing) && [nothing.code, nothing.field]).toEqual(['USAGE', '--report']);
  });

  it('leaves a .gitignore it did not write alone, with or without --fresh', async () => {
    const out = await tempDir();
    writeFileSync(join(out, '.gitignore'), 'node_modules/\n');
    const toy = toyExperiment({ dir: out });
    await run(toy.experiment, ['--smoke', '--out', out, '--seeds', '1']);
    await run(toy.experiment, ['--smoke', '--out', out, '--seeds', '1', '--fresh']);
    expect(readFileSync(join(out, '.gitignore'), 'utf8')).toBe('node_modules/\n');
    expect(toy.calls).toHaveLength(4);
  });

  it('runs the seeds given by --seeds', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    await run(toy.experiment, ['--smoke', '--out', out, '--seeds', '5,9']);
    expect(toy.calls.map((c) => c.id)).toEqual(['slow-seed5', 'fast-seed5', 'slow-seed9', 'fast-seed9']);
  });

  it('rejects a run whose metrics are not finite numbers, keeping its checkpoints for the retry', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    const broken = { ...toy.experiment, run: async () => ({ metrics: { score: Number.NaN } }) };
    const error = await run(broken, ['--smoke', '--out', out]).catch((e: unknown) => e);
    expect(KitError.isInstance(error) && error.code).toBe('INVALID_EXPERIMENT');
    expect((error as Error).message).toBe(
      'run(slow-seed0).metrics.score: NaN is not a JSON number; configs and metrics must be plain JSON',
    );
    expect(existsSync(join(out, 'runs', 'slow-seed0', 'result.json'))).toBe(false);
  });

  it('hands a run the folders of the same-seed runs it depends on, finished before it', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    const seen: string[] = [];
    const chained: Experiment<Json> = {
      ...toy.experiment,
      conditions: () => [
        { name: 'base', config: {}, units: 1 },
        { name: 'child', config: {}, units: 1, dependsOn: ['base'] },
      ],
      async run(ctx) {
        if (ctx.condition === 'base') {
          writeFileSync(join(ctx.dir, 'weights.txt'), `base of seed ${ctx.seed}`);
        } else {
          seen.push(readFileSync(join(ctx.dependencyDir('base'), 'weights.txt'), 'utf8'));
          expect(() => ctx.dependencyDir('child')).toThrow(
            'dependencyDir(child): condition "child" does not list "child" in dependsOn',
          );
        }
        ctx.progress(1);
        return { metrics: { score: 1 } };
      },
    };
    await run(chained, ['--smoke', '--out', out]);
    expect(seen).toEqual(['base of seed 0', 'base of seed 1']);
    // Rerun: both finished, nothing runs again.
    await run(chained, ['--smoke', '--out', out]);
    expect(seen).toHaveLength(2);
  });

  it('hands a run --parallel and stores the training it records with its result', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    const seen: string[] = [];
    const threaded: Experiment<Json> = {
      ...toy.experiment,
      conditions: () => [
        { name: 'plain', config: {}, units: 1 },
        { name: 'timed', config: {}, units: 1 },
      ],
      async run(ctx) {
        seen.push(ctx.parallel);
        if (ctx.condition === 'timed') {
          ctx.recordTraining({ threads: 1, decidedBy: 'auto', singleMs: 9, parallelMs: 12 }); // replaced below
          ctx.recordTraining({ threads: 2, decidedBy: 'auto', singleMs: 10, parallelMs: 6 });
        }
        ctx.progress(1);
        return { metrics: { score: 1 } };
      },
    };
    const file = await run(threaded, ['--smoke', '--seeds', '1', '--parallel', 'on', '--out', out]);
    expect(seen).toEqual(['on', 'on']);
    expect(file.runs.map((r) => r.training)).toEqual([
      undefined,
      { threads: 2, decidedBy: 'auto', singleMs: 10, parallelMs: 6 },
    ]);
    expect('training' in readJson(join(out, 'runs', 'plain-seed0', 'result.json'))).toBe(false);
    expect(readJson(join(out, 'runs', 'timed-seed0', 'result.json')).training).toEqual(
      file.runs[1]?.training,
    );
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('| 2 (auto: 10 ms → 6 ms) |');
    await run(threaded, ['--smoke', '--seeds', '1', '--fresh', '--out', out]);
    expect(seen.slice(2)).toEqual(['off', 'off']); // smoke's default
  });

  it('checks the plan: names, configs and units', async () => {
    const out = await tempDir();
    const toy = toyExperiment({ dir: out });
    const withConditions = (conditions: unknown[]) =>
      run({ ...toy.experiment, conditions: () => conditions } as Experiment, ['--smoke', '--out', out]).catch(
        (e: Error) => e.message,
      );
    expect(await withConditions([])).toBe('conditions: returned no conditions for mode smoke');
    expect(await withConditions([{ name: 'a b', config: {}, units: 1 }])).toMatch(
      /^conditions\[0\]\.name: must be/,
    );
    expect(
      await withConditions([
        { name: 'a', config: {}, units: 1 },
        { name: 'a', config: {}, units: 1 },
      ]),
    ).toBe('conditions[1].name: "a" is used twice');
    expect(await withConditions([{ name: 'a', config: { when: new Date(0) }, units: 1 }])).toBe(
      'conditions[0].config.when: a Date instance is not a plain JSON object; configs and metrics must be plain JSON',
    );
    expect(await withConditions([{ name: 'a', config: { lr: undefined }, units: 1 }])).toMatch(
      /^conditions\[0\]\.config\.lr: a undefined is not JSON/,
    );
    expect(await withConditions([{ name: 'a', config: {}, units: 2.5 }])).toBe(
      'conditions[0].units: must be a positive integer, got 2.5',
    );
    expect(
      await withConditions([
        { name: 'a', config: {}, units: 1, dependsOn: ['b'] },
        { name: 'b', config: {}, units: 1 },
      ]),
    ).toBe(
      'conditions[0].dependsOn[0]: "b" must name a condition listed before "a", so that its run finishes first',
    );
    expect(await withConditions([{ name: 'a', config: {}, units: 1, dependsOn: ['a'] }])).toMatch(
      /^conditions\[0\]\.dependsOn\[0\]: "a" must name a condition listed before "a"/,
    );
  });
});

it('puts quick and full results where they are committed and smoke results where git ignores them', () => {
  expect(defaultOutDir('/app', 'smoke')).toBe('/app/out/smoke');
  expect(defaultOutDir(new URL('file:///app/'), 'quick')).toBe('/app/results/quick');
  expect(defaultOutDir('/app', 'full')).toBe('/app/results/full');
});
