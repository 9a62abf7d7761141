import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KitError } from './errors.js';
import type { CurvePoint, Mode, RunResult } from './experiment.js';
import { canonicalJson } from './json.js';
import { type PlannedRun, runIdentity } from './plan.js';

/**
 * Where everything of an experiment lives under its output directory:
 *
 * ```
 * <out>/results.json  results.md  plots/*.svg  .gitignore
 * <out>/runs/<id>/run.json        the run's identity, written when it first starts
 * <out>/runs/<id>/result.json     written atomically when it finishes; its presence means "finished"
 * <out>/runs/<id>/curves.jsonl    points recorded with ctx.record
 * <out>/runs/<id>/checkpoints/    handed to train(); deleted once result.json exists
 * ```
 */
export class OutputLayout {
  /** The output directory. */
  readonly out: string;

  constructor(out: string) {
    this.out = out;
  }

  /** `<out>/runs/<id>`, the run's own directory. */
  runDir(id: string): string {
    return join(this.out, 'runs', id);
  }

  /** `<out>/runs/<id>/<file>`. */
  runFile(id: string, file: 'run.json' | 'result.json' | 'curves.jsonl' | 'checkpoints'): string {
    return join(this.runDir(id), file);
  }

  /** `<out>/<file>` for the experiment's reports, `<out>/plots/<file>` for plots. */
  reportFile(file: string): string {
    return file.endsWith('.svg') ? join(this.out, 'plots', file) : join(this.out, file);
  }
}

/** What the output directory holds for one planned run. */
export type StoredRun =
  | { state: 'finished'; result: RunResult }
  | { state: 'interrupted'; resume: boolean }
  | { state: 'new' };

/**
 * Finds what an earlier session left for `run`: a finished result (to skip), an interrupted attempt (continued
 * from its checkpoint when one was saved), or nothing. A stored run whose identity (condition, seed, mode, config,
 * units) differs from the planned one is refused with `STALE_RUN` rather than silently reused or overwritten.
 */
export async function findStoredRun(layout: OutputLayout, run: PlannedRun): Promise<StoredRun> {
  const resultFile = layout.runFile(run.id, 'result.json');
  if (existsSync(resultFile)) {
    const result = (await readJson(resultFile)) as RunResult;
    checkIdentity(resultFile, runIdentity(result), run);
    return { state: 'finished', result };
  }
  const identityFile = layout.runFile(run.id, 'run.json');
  if (!existsSync(identityFile)) return { state: 'new' };
  checkIdentity(identityFile, await readJson(identityFile), run);
  return { state: 'interrupted', resume: await hasCheckpoint(layout.runFile(run.id, 'checkpoints')) };
}

/**
 * The finished runs recorded in the output directory's `results.json`, by id, for rewriting its report without
 * running anything (`--report`): the per-run files need not exist (they are not committed), `results.json`
 * holds every finished run whole. Each must be a run of `plan`, made by the same plan.
 * @throws {KitError} `USAGE` when there is no `results.json`; `STALE_RUN` naming a run the plan does not have or
 * made by a different plan.
 */
export async function recordedRuns(
  layout: OutputLayout,
  plan: readonly PlannedRun[],
): Promise<Map<string, RunResult>> {
  const file = layout.reportFile('results.json');
  if (!existsSync(file)) {
    throw new KitError('USAGE', '--report', `there is no ${file} to rewrite; run the experiment first`);
  }
  const { runs } = (await readJson(file)) as { runs?: RunResult[] };
  if (!Array.isArray(runs))
    throw new KitError('STALE_RUN', file, 'has no list of runs; run the experiment again');
  const recorded = new Map<string, RunResult>();
  for (const result of runs) {
    const run = plan.find((planned) => planned.id === result.id);
    if (run === undefined) {
      throw new KitError(
        'STALE_RUN',
        file,
        `holds run ${String(result.id)}, which the plan no longer has; run the experiment again (--fresh)`,
      );
    }
    checkIdentity(file, runIdentity(result), run);
    recorded.set(result.id, result);
  }
  return recorded;
}

function checkIdentity(file: string, stored: unknown, run: PlannedRun): void {
  const planned = canonicalJson(runIdentity(run));
  const found = canonicalJson(stored);
  if (found === planned) return;
  throw new KitError(
    'STALE_RUN',
    file,
    `was made by a different plan (stored ${shorten(found)}, planned now ${shorten(planned)}); ` +
      'pass --fresh to discard the earlier runs, or --out <another directory> to keep them',
  );
}

/**
 * True when `dir` holds a checkpoint that `train({ resume: true })` can load: a `latest` pointer or a complete
 * `ckpt-*` directory (including one moved aside by an interrupted replacement, which the loader restores).
 */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return false;
  }
  return entries.some(
    (name) => name === 'latest' || /^ckpt-\d+$/.test(name) || /^\.tmp-old-ckpt-/.test(name),
  );
}

/**
 * Writes `text` to `path` so that a reader (or a process killed mid-write) sees the old file or the new one,
 * never a part: write a temporary file beside it, flush it to disk, rename it over `path`.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** Appends one curve point to a run's `curves.jsonl` (synchronously, so it can be called from any callback). */
export function appendCurvePoint(file: string, curve: string, point: CurvePoint): void {
  appendFileSync(file, `${JSON.stringify({ curve, ...point })}\n`);
}

/**
 * Reads a run's `curves.jsonl` into curves sorted by step. A step recorded twice (by an interrupted attempt and
 * again after resuming from an earlier checkpoint) keeps the later value; a line cut short by a kill is ignored.
 */
export function readCurves(file: string): Record<string, CurvePoint[]> {
  if (!existsSync(file)) return {};
  const curves = new Map<string, Map<number, number>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let record: { curve?: unknown; step?: unknown; value?: unknown };
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    const { curve, step, value } = record;
    if (typeof curve !== 'string' || typeof step !== 'number' || typeof value !== 'number') continue;
    if (!curves.has(curve)) curves.set(curve, new Map());
    curves.get(curve)?.set(step, value);
  }
  return Object.fromEntries(
    [...curves].map(([curve, points]) => [
      curve,
      [...points].sort(([a], [b]) => a - b).map(([step, value]) => ({ step, value })),
    ]),
  );
}

// Checkpoints and per-run files are working state; smoke outputs are never worth keeping.
const GITIGNORE = { smoke: '*\n', kept: 'runs/\n' };

/**
 * Writes the output directory's `.gitignore` (`runs/`, or everything for smoke outputs), unless the directory
 * already has one the kit did not write.
 */
export async function writeGitignore(layout: OutputLayout, mode: Mode): Promise<void> {
  const path = join(layout.out, '.gitignore');
  if (existsSync(path) && !isKitGitignore(path)) return;
  await writeFileAtomic(path, mode === 'smoke' ? GITIGNORE.smoke : GITIGNORE.kept);
}

/**
 * `--fresh`: deletes what the kit wrote in `out` (runs, reports, plots, its `.gitignore`) and nothing else, so a
 * mistyped `--out` cannot wipe an unrelated folder.
 */
export async function clearOutputs(layout: OutputLayout): Promise<void> {
  for (const entry of ['runs', 'plots', 'results.json', 'results.md']) {
    await rm(join(layout.out, entry), { recursive: true, force: true });
  }
  const gitignore = join(layout.out, '.gitignore');
  if (existsSync(gitignore) && isKitGitignore(gitignore)) await rm(gitignore);
}

function isKitGitignore(path: string): boolean {
  const text = readFileSync(path, 'utf8');
  return text === GITIGNORE.smoke || text === GITIGNORE.kept;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new KitError(
      'STALE_RUN',
      file,
      `cannot be read as JSON (${(error as Error).message}); delete it or pass --fresh`,
    );
  }
}

function shorten(text: string): string {
  return text.length <= 240 ? text : `${text.slice(0, 237)}...`;
}
