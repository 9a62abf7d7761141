import type { MultiBar, SingleBar } from 'cli-progress';
import { KitError } from './errors.js';
import { formatDuration } from './format.js';

/** The part of a writable stream progress output needs (`process.stdout` fits). */
export interface ProgressStream {
  /** True when the stream is an interactive terminal. */
  isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/**
 * The subset of transformer-core's `TrainCallbacks` that reports progress; pass it in `train({ callbacks })`.
 * Typed structurally so the kit does not tie itself to one version of transformer-core.
 */
export interface ProgressCallbacks {
  /** Reports where training starts (0, or the step resumed from). */
  onStart(info: { startStep: number }): void;
  /** Reports a finished step. */
  onStep(metrics: { step: number; loss: number }): void;
}

/** One run as the progress display sees it. */
export interface ProgressRun {
  /** The run id. */
  id: string;
  /** Units the run reports when finished. */
  units: number;
  /** Relative cost of one unit. */
  weight: number;
  /** Units already done before this session (all of them for a finished run). */
  done: number;
}

/** Options of {@link ExperimentProgress}. */
export interface ExperimentProgressOptions {
  /** Where to write. */
  stream: ProgressStream;
  /** Every run of the plan, in plan order. */
  runs: readonly ProgressRun[];
  /**
   * Draw a live bar (a terminal outside CI) instead of printing plain lines.
   * @default stream.isTTY === true && !process.env.CI
   */
  live?: boolean;
  /**
   * Without a live bar, print a progress line when a run passes a tenth of its units, at most once per this many
   * seconds (run starts and ends are always printed).
   * @default 10
   */
  lineInterval?: number;
  /**
   * Clock in milliseconds (injectable so the time estimate can be tested without waiting).
   * @default performance.now
   */
  now?: () => number;
}

interface RunState extends ProgressRun {
  index: number;
  /** False until the run's first report, which sets where it starts. */
  started: boolean;
  /** The last tenth of the run that was printed (plain-line mode). */
  printedTenth: number;
}

/**
 * One progress display for a whole experiment: on a terminal a cli-progress bar, elsewhere (CI, files) plain lines
 * at each run's start and end and, in between, when it passes a tenth of its units (at most one line per
 * `lineInterval`). The time remaining is the weighted units still to do
 * divided by the speed measured in this session: units done since each run's first report, per second since the
 * first run of the session started. Units found done (finished runs, the resumed part of a run) count as done but
 * not towards the speed.
 */
export class ExperimentProgress {
  private readonly stream: ProgressStream;
  private readonly runs: Map<string, RunState>;
  private readonly live: boolean;
  private readonly now: () => number;
  private readonly lineInterval: number;
  private readonly total: number;
  private lastLine = Number.NEGATIVE_INFINITY;
  private sessionStart: number | undefined;
  private worked = 0;
  private multibar: MultiBar | undefined;
  private bar: SingleBar | undefined;

  constructor(options: ExperimentProgressOptions) {
    this.stream = options.stream;
    this.live = options.live ?? (options.stream.isTTY === true && !process.env.CI);
    this.now = options.now ?? (() => performance.now());
    this.lineInterval = options.lineInterval ?? 10;
    this.runs = new Map(
      options.runs.map((run, index) => [
        run.id,
        { ...run, done: clamp(run.done, run.units), index, started: false, printedTenth: 0 },
      ]),
    );
    this.total = options.runs.reduce((sum, run) => sum + run.units * run.weight, 0);
  }

  /** Starts the live bar when there is one (cli-progress is loaded only then). */
  async open(): Promise<void> {
    if (!this.live) return;
    const { default: cliProgress } = await import('cli-progress');
    this.multibar = new cliProgress.MultiBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        format: '{bar} {percentage}% | run {position} {id} {runDone}/{runUnits} | ETA {remaining}',
        hideCursor: false, // a killed process must not leave the terminal without a cursor
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.multibar.create(this.total, this.doneWeighted(), this.payload(undefined));
  }

  /** Marks the start of a run's attempt. */
  startRun(id: string, resumed: boolean): void {
    const run = this.run(id);
    this.sessionStart ??= this.now();
    this.print(`${this.position(run)} ${id}: ${resumed ? 'resuming from its checkpoint' : 'starting'}`);
  }

  /** Records that run `id` has done `done` of its units. */
  update(id: string, done: number): void {
    const run = this.run(id);
    const value = clamp(done, run.units);
    if (run.started) this.worked += Math.max(0, value - run.done) * run.weight;
    run.started = true;
    run.done = value;
    run.printedTenth = this.live ? run.printedTenth : this.printTenth(run);
    this.bar?.update(this.doneWeighted(), this.payload(run));
  }

  /** Marks run `id` finished; `summary` (e.g. its metrics) is printed with it. */
  finishRun(id: string, summary: string): void {
    const run = this.run(id);
    // A run that never reported progress did all its units in this session, as far as anyone can tell.
    this.worked += (run.units - run.done) * run.weight;
    run.done = run.units;
    this.print(`${this.position(run)} ${id}: finished; ${summary}`);
    this.bar?.update(this.doneWeighted(), this.payload(run));
  }

  /** Prints a line (above the live bar, when there is one). */
  log(message: string): void {
    this.print(message);
  }

  /** The estimated time to finish every run, e.g. `12m 03s`, or `?` before any work was measured. */
  remaining(): string {
    const started = this.sessionStart;
    if (started === undefined || this.worked === 0) return '?';
    const speed = this.worked / ((this.now() - started) / 1000);
    return formatDuration((this.total - this.doneWeighted()) / speed);
  }

  /** Stops the live bar, leaving it on screen. */
  close(): void {
    // cli-progress prints logged lines only when it redraws, and stop() drops the ones not yet printed.
    this.multibar?.update();
    this.multibar?.stop();
    this.multibar = undefined;
    this.bar = undefined;
  }

  private printTenth(run: RunState): number {
    const tenth = Math.floor((10 * run.done) / run.units);
    const due = this.now() - this.lastLine >= this.lineInterval * 1000;
    if (tenth <= run.printedTenth || run.done === run.units || !due) return run.printedTenth;
    const percent = Math.floor((100 * this.doneWeighted()) / this.total);
    this.print(
      `${this.position(run)} ${run.id}: ${run.done}/${run.units} | experiment ${percent}% | ETA ${this.remaining()}`,
    );
    return tenth;
  }

  private payload(run: RunState | undefined): Record<string, string | number> {
    return {
      position: run === undefined ? '-' : `${run.index + 1}/${this.runs.size}`,
      id: run?.id ?? '',
      runDone: run?.done ?? 0,
      runUnits: run?.units ?? 0,
      remaining: this.remaining(),
    };
  }

  private position(run: RunState): string {
    return `[run ${run.index + 1}/${this.runs.size}]`;
  }

  private doneWeighted(): number {
    let done = 0;
    for (const run of this.runs.values()) done += run.done * run.weight;
    return done;
  }

  private print(line: string): void {
    this.lastLine = this.now();
    if (this.multibar !== undefined) this.multibar.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  private run(id: string): RunState {
    const run = this.runs.get(id);
    if (run === undefined) throw new KitError('INVALID_ARGUMENT', 'id', `no run "${id}" in the plan`);
    return run;
  }
}

function clamp(done: number, units: number): number {
  return Math.min(units, Math.max(0, done));
}
