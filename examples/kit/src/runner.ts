import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliOptions } from './cli.js';
import { KitError } from './errors.js';
import type { Experiment, GitState, Mode, RunContext, RunOutput, RunResult } from './experiment.js';
import { formatDuration, formatNumber } from './format.js';
import { assertJson, type Json } from './json.js';
import type { TrainingThreads } from './parallel/training-threads.js';
import { type PlannedRun, planExperiment, runIdentity } from './plan.js';
import { plotToVegaLite, renderSvg } from './plots.js';
import { ExperimentProgress, type ProgressCallbacks, type ProgressStream } from './progress.js';
import { buildResults, type ResultsFile, renderMarkdown } from './report.js';
import {
  appendCurvePoint,
  clearOutputs,
  findStoredRun,
  OutputLayout,
  readCurves,
  recordedRuns,
  type StoredRun,
  writeFileAtomic,
  writeGitignore,
} from './store.js';

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions<C extends Json> {
  /** The experiment. */
  experiment: Experiment<C>;
  /** The parsed command line (mode, seeds, output directory, `--fresh`, app options). */
  cli: CliOptions;
  /** The backend already initialised: its name (`wasm`) and a one-line description for the reports. */
  backend: { name: string; description: string };
  /** The command line and commit recorded with every run. */
  session: { command: string; git: GitState | null };
  /**
   * Where progress is printed.
   * @default process.stdout
   */
  stream?: ProgressStream;
  /**
   * Draw a live progress bar instead of plain lines.
   * @default a terminal outside CI
   */
  live?: boolean;
}

/** The output directory used when `--out` is not given: `<dir>/results/<mode>`, or `<dir>/out/smoke`. */
export function defaultOutDir(dir: string | URL, mode: Mode): string {
  const base = typeof dir === 'string' ? dir : fileURLToPath(dir);
  return mode === 'smoke' ? join(base, 'out', 'smoke') : join(base, 'results', mode);
}

/**
 * Runs every planned run of the experiment that is not already finished in the output directory, one after the
 * other, continuing interrupted ones from their checkpoints (with `--report`, runs nothing and only rewrites the
 * report from the runs recorded in `results.json`). Each finished run is written to
 * `runs/<id>/result.json` at once (atomically), then `results.json`, `results.md` and the plots are rewritten from
 * all finished runs, so stopping the process at any point loses at most the run in progress, and only its steps
 * since its last checkpoint. Returns the final `results.json` content.
 */
export async function runExperiment<C extends Json>(options: RunExperimentOptions<C>): Promise<ResultsFile> {
  const { experiment, cli, backend, session } = options;
  const stream = options.stream ?? process.stdout;
  const layout = new OutputLayout(resolve(cli.out ?? defaultOutDir(experiment.dir, cli.mode)));
  if (cli.fresh) await clearOutputs(layout);
  const seeds = cli.seeds ?? Array.from({ length: experiment.seeds[cli.mode] }, (_, i) => i);
  const plan = planExperiment(experiment, { mode: cli.mode, seeds, options: cli.options });
  if (cli.report) {
    const recorded = (await recordedRuns(layout, plan)) as Map<string, RunResult<C>>;
    const file = await writeReports({
      experiment,
      mode: cli.mode,
      plan,
      finished: recorded,
      layout,
      session,
      backend,
    });
    stream.write(
      `rewrote ${layout.reportFile('results.md')}, results.json and ${file.summary.plots.length} plot(s) from the ` +
        `${recorded.size} of ${plan.length} planned runs recorded in results.json; nothing was run\n`,
    );
    return file;
  }
  const conditions = [...new Set(plan.map((run) => run.condition))];
  const stored = new Map<string, StoredRun>();
  for (const run of plan) stored.set(run.id, await findStoredRun(layout, run));
  const finished = new Map<string, RunResult<C>>();
  for (const [id, found] of stored)
    if (found.state === 'finished') finished.set(id, found.result as RunResult<C>);

  await mkdir(layout.out, { recursive: true });
  await writeGitignore(layout, cli.mode);

  const progress = new ExperimentProgress({
    stream,
    runs: plan.map((run) => ({ ...run, done: finished.has(run.id) ? run.units : 0 })),
    ...(options.live === undefined ? {} : { live: options.live }),
  });
  const interrupted = [...stored.values()].filter((s) => s.state === 'interrupted').length;
  stream.write(
    `${experiment.name} (${cli.mode}): ${plan.length} runs = ${conditions.length} conditions × seeds ` +
      `${seeds.join(',')} → ${layout.out}\n` +
      `  ${finished.size} finished earlier (skipped), ${interrupted} interrupted (continued), ` +
      `${plan.length - finished.size - interrupted} new; ${backend.description}\n`,
  );
  await progress.open();
  const reports = { experiment, mode: cli.mode, plan, finished, layout, session, backend };
  let report: ResultsFile | undefined;
  try {
    if (finished.size === plan.length) report = await writeReports(reports);
    for (const run of plan) {
      if (finished.has(run.id)) continue;
      const found = stored.get(run.id);
      const result = await attempt({
        experiment,
        run,
        layout,
        resume: found?.state === 'interrupted' && found.resume,
        options: { cli, backend: backend.name, session, progress },
      });
      finished.set(run.id, result);
      progress.finishRun(run.id, describeResult(result));
      report = await writeReports(reports);
    }
  } catch (error) {
    progress.log(
      `stopped: ${(error as Error).message ?? String(error)}\n  finished runs are kept in ${layout.out}; ` +
        'run the same command again to continue',
    );
    throw error;
  } finally {
    progress.close();
  }
  const done = report as ResultsFile;
  const verdict = done.summary.verdict;
  stream.write(
    `${verdict === null ? 'no verdict' : `verdict: ${verdict.outcome}. ${verdict.evidence}`}\n` +
      `wrote ${layout.reportFile('results.md')}, results.json and ${done.summary.plots.length} plot(s)\n`,
  );
  return done;
}

/**
 * Rewrites `results.json`, `results.md` and the plots from the runs finished so far (called after every run, so
 * they are current whenever the experiment stops).
 */
async function writeReports<C extends Json>(args: {
  experiment: Experiment<C>;
  mode: Mode;
  plan: readonly PlannedRun<C>[];
  finished: ReadonlyMap<string, RunResult<C>>;
  layout: OutputLayout;
  session: { command: string; git: GitState | null };
  backend: { description: string };
}): Promise<ResultsFile> {
  const { experiment, mode, plan, layout } = args;
  const results = plan.flatMap((run) => args.finished.get(run.id) ?? []);
  const conditions = [...new Set(plan.map((run) => run.condition))];
  const summary = await experiment.summarize({ results, mode, complete: results.length === plan.length });
  const file = buildResults({
    experiment,
    mode,
    conditions,
    runsPlanned: plan.length,
    results,
    summary,
    session: { ...args.session, backend: args.backend.description },
  });
  for (const plot of summary.plots ?? []) {
    const svg = await renderSvg(plotToVegaLite({ plot, results, conditions }));
    await writeFileAtomic(layout.reportFile(plot.file), svg);
  }
  await writeFileAtomic(layout.reportFile('results.json'), `${JSON.stringify(file, null, 2)}\n`);
  await writeFileAtomic(layout.reportFile('results.md'), renderMarkdown(file));
  return file;
}

/** Runs one planned run to its end and stores its result; returns the result. */
async function attempt<C extends Json>(args: {
  experiment: Experiment<C>;
  run: PlannedRun<C>;
  layout: OutputLayout;
  resume: boolean;
  options: {
    cli: CliOptions;
    backend: string;
    session: { command: string; git: GitState | null };
    progress: ExperimentProgress;
  };
}): Promise<RunResult<C>> {
  const { experiment, run, layout, resume } = args;
  const { cli, backend, session, progress } = args.options;
  const dir = layout.runDir(run.id);
  const checkpointDir = layout.runFile(run.id, 'checkpoints');
  const curvesFile = layout.runFile(run.id, 'curves.jsonl');
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(layout.runFile(run.id, 'run.json'), `${JSON.stringify(runIdentity(run), null, 2)}\n`);
  if (!resume) {
    // An attempt killed before its first checkpoint starts over: its curve points and partial files go too.
    await rm(curvesFile, { force: true });
    await rm(checkpointDir, { recursive: true, force: true });
  }
  const record = (curve: string, step: number, value: number) => {
    if (typeof curve !== 'string' || curve === '' || !Number.isFinite(step) || !Number.isFinite(value)) {
      throw new KitError(
        'INVALID_ARGUMENT',
        'record',
        `run ${run.id}: expected a curve name and finite step and value, got ${curve} ${step} ${value}`,
      );
    }
    appendCurvePoint(curvesFile, curve, { step, value });
  };
  const report = (done: number) => progress.update(run.id, done);
  let training: TrainingThreads | undefined;
  const ctx: RunContext<C> = {
    id: run.id,
    condition: run.condition,
    config: run.config,
    seed: run.seed,
    mode: run.mode,
    units: run.units,
    backend,
    options: cli.options,
    parallel: cli.parallel,
    recordTraining: (choice) => {
      training = choice;
    },
    dir,
    // Plan order (seed-major, dependencies listed first) guarantees the dependency's run has finished.
    dependencyDir: (condition) => {
      if (!run.dependsOn.includes(condition)) {
        throw new KitError(
          'INVALID_EXPERIMENT',
          `dependencyDir(${condition})`,
          `condition "${run.condition}" does not list "${condition}" in dependsOn`,
        );
      }
      return layout.runDir(`${condition}-seed${run.seed}`);
    },
    checkpointDir,
    resume,
    progress: report,
    trainCallbacks: ({ offset = 0, lossEvery } = {}): ProgressCallbacks => ({
      onStart: ({ startStep }) => report(offset + startStep),
      onStep: ({ step, loss }) => {
        report(offset + step);
        if (lossEvery !== undefined && step % lossEvery === 0) record('loss', offset + step, loss);
      },
    }),
    record,
    log: (message) => progress.log(message),
  };
  progress.startRun(run.id, resume);
  const began = performance.now();
  const output = await experiment.run(ctx);
  const wallSeconds = (performance.now() - began) / 1000;
  checkOutput(output, run.id);
  const result: RunResult<C> = {
    ...runIdentity(run),
    metrics: output.metrics,
    curves: readCurves(curvesFile),
    backend,
    git: session.git,
    command: session.command,
    wallSeconds,
    resumed: resume,
    ...(training === undefined ? {} : { training }),
    finishedAt: new Date().toISOString(),
  };
  await writeFileAtomic(layout.runFile(run.id, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await rm(checkpointDir, { recursive: true, force: true });
  return result;
}

function checkOutput(output: RunOutput, id: string): void {
  const field = `run(${id}).metrics`;
  if (
    output === null ||
    typeof output !== 'object' ||
    output.metrics === null ||
    typeof output.metrics !== 'object'
  ) {
    throw new KitError(
      'INVALID_EXPERIMENT',
      field,
      'the run function must return { metrics: { name: number } }',
    );
  }
  assertJson(output.metrics, field);
  for (const [name, value] of Object.entries(output.metrics)) {
    if (typeof value !== 'number') {
      throw new KitError(
        'INVALID_EXPERIMENT',
        `${field}.${name}`,
        `must be a finite number, got ${JSON.stringify(value)}`,
      );
    }
  }
}

function describeResult(result: RunResult): string {
  const metrics = Object.entries(result.metrics)
    .map(([name, value]) => `${name} ${formatNumber(value)}`)
    .join(', ');
  return `${metrics} (${formatDuration(result.wallSeconds)})`;
}
