import { KitError } from './errors.js';
import type { Json } from './json.js';
import type { ParallelMode } from './parallel/choice.js';
import type { TrainingThreads } from './parallel/training-threads.js';
import type { PlotSpec } from './plots.js';
import type { ProgressCallbacks } from './progress.js';
import type { Verdict } from './verdict.js';

/** How long an experiment may take: `smoke` (seconds, run by CI), `quick` (≤ 5 min on 2 cores), `full` (≤ 30 min). */
export type Mode = 'smoke' | 'quick' | 'full';

/** Every mode, cheapest first. */
export const MODES: readonly Mode[] = ['smoke', 'quick', 'full'];

/** One experimental condition (e.g. "2-token heads, d=64"); each is run once per seed. */
export interface Condition<C extends Json = Json> {
  /**
   * Short name used in run ids, directory names, tables and plot legends: letters, digits, `.`, `_`, `-`
   * (e.g. `n2-d64`).
   */
  name: string;
  /** Everything the run function needs to know about the condition; stored with each run's result. */
  config: C;
  /** Progress units one run of this condition reports, e.g. its training steps. */
  units: number;
  /**
   * Relative cost of one unit (e.g. a bigger model's step takes 3× longer: weight 3), so the time estimate of
   * the whole experiment stays right when conditions differ in cost.
   * @default 1
   */
  weight?: number;
  /**
   * Conditions whose run with the same seed this condition's run builds on (e.g. it starts from a checkpoint the
   * other run saved in its `ctx.dir`). They must come earlier in the list of conditions, so that, seed by seed,
   * they have finished first; the run finds their folders with {@link RunContext.dependencyDir}.
   * @default []
   */
  dependsOn?: string[];
}

/** A command-line option an app adds to the kit's own flags (e.g. `--text <file>`). */
export interface AppOption {
  /** `string` takes a value (`--text notes.txt`); `boolean` is a switch. */
  type: 'string' | 'boolean';
  /** One line for `--help`. */
  description: string;
  /** Value when the flag is not given. */
  default?: string | boolean;
}

/** Values of an experiment's {@link AppOption}s, by option name. */
export type AppOptionValues = Record<string, string | boolean | undefined>;

/** One point of a learning curve: a metric at a training step. */
export interface CurvePoint {
  /** Training step (or any increasing x: tokens seen, epoch). */
  step: number;
  /** The metric's value there. */
  value: number;
}

/** What a run function returns: its final metrics. Curves are recorded during the run with `ctx.record`. */
export interface RunOutput {
  /** Final metrics by name (`accuracy`, `evalLoss`, ...): finite numbers. */
  metrics: Record<string, number>;
}

/** What the kit hands to an experiment's run function. */
export interface RunContext<C extends Json = Json> {
  /** `<condition>-seed<seed>`, unique in the experiment. */
  id: string;
  /** The condition's name. */
  condition: string;
  /** The condition's config. */
  config: C;
  /** The run's seed: pass it to model initialisation, data generation and `train({ seed })`. */
  seed: number;
  /** The mode the experiment runs in. */
  mode: Mode;
  /** Progress units the run is expected to report (the condition's `units`). */
  units: number;
  /** The active tfjs backend (`wasm`, `cpu`, `tensorflow`). */
  backend: string;
  /** Values of the experiment's own command-line options. */
  options: AppOptionValues;
  /**
   * `--parallel`: whether a run that offers two-thread training (`trainRun`'s `parallel`) uses it: `on`, `off`,
   * or `auto` (when it is faster). The default is `off` in smoke mode, else `auto`.
   */
  parallel: ParallelMode;
  /**
   * Records how the run computed its updates' gradients, stored as the result's `training` (`trainRun` calls it;
   * the last call of the attempt that finishes the run counts).
   */
  recordTraining(training: TrainingThreads): void;
  /** This run's own directory, kept after the run (e.g. for a `jsonlMetricsLog`). */
  dir: string;
  /**
   * The `dir` of the finished run, with this run's seed, of a condition named in this condition's `dependsOn`:
   * where that run left what this one builds on.
   * @throws {KitError} (`INVALID_EXPERIMENT`) when `condition` is not in `dependsOn`.
   */
  dependencyDir(condition: string): string;
  /**
   * Where the run keeps its checkpoints: hand it to `train({ checkpoint: { dir } })`. Deleted once the run's result
   * is written, since a finished run is never resumed. Runs with several training phases use subdirectories and
   * {@link hasCheckpoint}.
   */
  checkpointDir: string;
  /** True when `checkpointDir` holds a checkpoint of an earlier, interrupted attempt: pass it to `train({ resume })`. */
  resume: boolean;
  /**
   * Reports the units done so far (absolute, not an increment). The first report of a run is where it starts
   * (0, or the step it resumed from) and does not count towards the measured speed.
   */
  progress(done: number): void;
  /**
   * Callbacks for `train({ callbacks })` that report its steps as progress (`offset + step`, for runs that train in
   * several phases) and, with `lossEvery`, record the training loss as curve `loss` every that many steps.
   */
  trainCallbacks(options?: { offset?: number; lossEvery?: number }): ProgressCallbacks;
  /**
   * Records one point of a learning curve (e.g. `record('accuracy', step, 0.42)`). Points are kept on disk, so a
   * resumed run keeps those of its earlier attempt; a step recorded twice keeps the later value.
   */
  record(curve: string, step: number, value: number): void;
  /** Prints a line without breaking the progress bar. */
  log(message: string): void;
}

/**
 * What identifies a run: a condition with a seed in a mode. A run stored in the output directory is skipped or
 * resumed only when all of these match the plan.
 */
export interface RunIdentity<C extends Json = Json> {
  /** `<condition>-seed<seed>`. */
  id: string;
  /** The condition's name. */
  condition: string;
  /** The run's seed. */
  seed: number;
  /** The mode. */
  mode: Mode;
  /** The condition's config. */
  config: C;
  /** Progress units of the run. */
  units: number;
}

/** One finished run as stored in `runs/<id>/result.json` and `results.json`. */
export interface RunResult<C extends Json = Json> extends RunIdentity<C> {
  /** Final metrics, as returned by the run function. */
  metrics: Record<string, number>;
  /** Learning curves recorded with `ctx.record`, by name, sorted by step. */
  curves: Record<string, CurvePoint[]>;
  /** The tfjs backend the run finished on. */
  backend: string;
  /** The commit of the code that finished the run (`dirty` when the work tree had uncommitted changes). */
  git: GitState | null;
  /** The command line that finished the run. */
  command: string;
  /** Wall-clock seconds of the attempt that finished the run (the part before a resume is not included). */
  wallSeconds: number;
  /** True when the run continued from a checkpoint of an interrupted attempt. */
  resumed: boolean;
  /**
   * On how many threads the run computed its updates' gradients and what chose that, when its run function
   * recorded it (`trainRun` with `parallel` does); absent otherwise.
   */
  training?: TrainingThreads;
  /** When the run finished (ISO 8601). */
  finishedAt: string;
}

/** The commit a result came from. */
export interface GitState {
  /** Full commit hash of `HEAD`. */
  commit: string;
  /** True when tracked files differed from that commit. */
  dirty: boolean;
}

/** What an experiment says about its results; the kit turns it into `results.md`, `results.json` and plots. */
export interface Summary {
  /** The headline verdict, computed from the results by a stated criterion (see `compareConditions`). */
  verdict?: Verdict;
  /** Further verdicts shown below the headline (e.g. the same comparison at each model size). */
  checks?: Verdict[];
  /**
   * Metrics tabulated per condition (mean ± sample std over seeds), in this order.
   * @default every metric of the first result, in its order
   */
  metrics?: string[];
  /** Plots to render as SVG. */
  plots?: PlotSpec[];
  /** Markdown added to `results.md` under the verdict (the app's reading of the numbers, caveats). */
  notes?: string;
}

/** Arguments of {@link Experiment.conditions}. */
export interface PlanArgs {
  /** The mode being run. */
  mode: Mode;
  /** Values of the experiment's own command-line options. */
  options: AppOptionValues;
}

/** Arguments of {@link Experiment.summarize}. */
export interface SummarizeArgs<C extends Json = Json> {
  /** Every finished run, in plan order. */
  results: RunResult<C>[];
  /** The mode being run. */
  mode: Mode;
  /** False while runs are still missing: the summary is rewritten after every run, so a kill leaves a report. */
  complete: boolean;
}

/** An experiment: its conditions, how to run one, and how to judge the results. */
export interface Experiment<C extends Json = Json> {
  /** Short name (the app's folder name, e.g. `mtp-induction`). */
  name: string;
  /** One sentence: the claim tested, shown in `--help` and at the top of `results.md`. */
  title: string;
  /**
   * The app's folder (a path or a `file:` URL such as `new URL('..', import.meta.url)`). Outputs go to
   * `<dir>/results/<mode>` for quick and full (committed) and `<dir>/out/smoke` for smoke, unless `--out` says
   * otherwise.
   */
  dir: string | URL;
  /** Seeds run per condition in each mode, unless `--seeds` says otherwise (seeds are 0, 1, ...). */
  seeds: Record<Mode, number>;
  /**
   * How long each mode takes, for `--help`, when it differs from the standard budgets (e.g. a full mode that
   * honestly needs an hour says so here).
   * @default smoke: "a few seconds", quick: "at most ~5 minutes on 2 cores", full: "at most ~30 minutes on 2 cores"
   */
  budgets?: Partial<Record<Mode, string>>;
  /** The app's own command-line options, added to the kit's. */
  options?: Record<string, AppOption>;
  /** The conditions to run in a mode; each runs once per seed. */
  conditions(args: PlanArgs): Condition<C>[];
  /** Runs one condition with one seed and returns its final metrics. */
  run(ctx: RunContext<C>): Promise<RunOutput>;
  /** Turns the finished runs into a verdict, tables and plots. */
  summarize(args: SummarizeArgs<C>): Summary | Promise<Summary>;
}

/** A name usable in file names and run ids. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks an experiment's static parts (name, seeds, option names) and returns it unchanged, typed by its configs.
 * Conditions are checked when a mode is planned.
 */
export function defineExperiment<C extends Json>(experiment: Experiment<C>): Experiment<C> {
  if (typeof experiment.name !== 'string' || !SAFE_NAME.test(experiment.name)) {
    throw invalid('name', 'must be a short name of letters, digits, ".", "_" or "-"');
  }
  for (const mode of MODES) {
    const seeds = experiment.seeds?.[mode];
    if (!Number.isInteger(seeds) || (seeds as number) < 1) {
      throw invalid(`seeds.${mode}`, `must be a positive integer, got ${String(seeds)}`);
    }
  }
  for (const key of ['conditions', 'run', 'summarize'] as const) {
    if (typeof experiment[key] !== 'function') throw invalid(key, 'must be a function');
  }
  for (const [name, option] of Object.entries(experiment.options ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw invalid(`options.${name}`, 'option names are lower-case words joined by "-"');
    }
    if (option.type !== 'string' && option.type !== 'boolean') {
      throw invalid(`options.${name}.type`, 'must be "string" or "boolean"');
    }
  }
  return experiment;
}

function invalid(field: string, message: string): KitError {
  return new KitError('INVALID_EXPERIMENT', field, message);
}
