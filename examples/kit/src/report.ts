import { KitError } from './errors.js';
import type { GitState, Mode, RunResult, Summary } from './experiment.js';
import { formatDuration, formatNumber } from './format.js';
import { AUTO_RULE } from './parallel/choice.js';
import type { TrainingThreads } from './parallel/training-threads.js';
import { summarizeValues, type ValueSummary } from './stats.js';
import type { Verdict } from './verdict.js';

/** One row of the per-condition table: each metric's mean ± sample std over the condition's seeds. */
export interface ConditionRow {
  /** The condition's name. */
  condition: string;
  /** Finished runs (seeds) of the condition. */
  n: number;
  /** Per metric: its summary over the runs that reported it, or null when none did. */
  metrics: Record<string, ValueSummary | null>;
}

/** The content of `results.json`. */
export interface ResultsFile {
  /** The experiment's name. */
  experiment: string;
  /** The claim tested. */
  title: string;
  /** The mode run. */
  mode: Mode;
  /** True when every planned run has finished. */
  complete: boolean;
  /** Runs in the plan. */
  runsPlanned: number;
  /** Runs finished (including ones found finished from earlier sessions). */
  runsFinished: number;
  /** The command line of the session that wrote this file. */
  command: string;
  /** The commit of the session that wrote this file. */
  git: GitState | null;
  /** The backend of that session, described. */
  backend: string;
  /** Node.js version of that session. */
  node: string;
  /** When this file was written (ISO 8601). */
  writtenAt: string;
  /** The experiment's summary of the finished runs. */
  summary: {
    /** Metrics tabulated, in order. */
    metrics: string[];
    /** Mean ± sample std per condition. */
    table: ConditionRow[];
    /** The headline verdict, or null when the experiment states none. */
    verdict: Verdict | null;
    /** Further verdicts. */
    checks: Verdict[];
    /** The experiment's notes (Markdown), or null. */
    notes: string | null;
    /** Plot files, relative to the output directory. */
    plots: string[];
  };
  /** Every finished run, in plan order. */
  runs: RunResult[];
}

/** Where a results file came from: the session writing it. */
export interface SessionInfo {
  /** The command line. */
  command: string;
  /** The checked-out commit. */
  git: GitState | null;
  /** The backend, described (`describeBackend`). */
  backend: string;
}

/** Per condition (in `conditions` order), the mean ± sample std over seeds of each metric. */
export function conditionTable(args: {
  results: readonly RunResult[];
  conditions: readonly string[];
  metrics: readonly string[];
}): ConditionRow[] {
  return args.conditions.map((condition) => {
    const runs = args.results.filter((result) => result.condition === condition);
    const metrics = Object.fromEntries(
      args.metrics.map((metric) => {
        const values = runs.flatMap((run) =>
          typeof run.metrics[metric] === 'number' ? [run.metrics[metric]] : [],
        );
        return [metric, values.length === 0 ? null : summarizeValues(values)];
      }),
    );
    return { condition, n: runs.length, metrics };
  });
}

/** Assembles `results.json` from the plan, the finished runs and the experiment's summary. */
export function buildResults(args: {
  experiment: { name: string; title: string };
  mode: Mode;
  conditions: readonly string[];
  runsPlanned: number;
  results: readonly RunResult[];
  summary: Summary;
  session: SessionInfo;
}): ResultsFile {
  const { summary, results } = args;
  const metrics = summary.metrics ?? Object.keys(results[0]?.metrics ?? {});
  const complete = results.length === args.runsPlanned;
  for (const metric of metrics) {
    // Checked once every run is in: until then the runs that report a metric may simply not have finished.
    if (complete && !results.some((result) => metric in result.metrics)) {
      throw new KitError('INVALID_EXPERIMENT', 'summary.metrics', `no run reported a metric "${metric}"`);
    }
  }
  return {
    experiment: args.experiment.name,
    title: args.experiment.title,
    mode: args.mode,
    complete,
    runsPlanned: args.runsPlanned,
    runsFinished: results.length,
    command: args.session.command,
    git: args.session.git,
    backend: args.session.backend,
    node: process.version,
    writtenAt: new Date().toISOString(),
    summary: {
      metrics,
      table: conditionTable({ results, conditions: args.conditions, metrics }),
      verdict: summary.verdict ?? null,
      checks: summary.checks ?? [],
      notes: summary.notes ?? null,
      plots: (summary.plots ?? []).map((plot) => `plots/${plot.file}`),
    },
    runs: [...results],
  };
}

/** Renders `results.md`: verdict first, then the per-condition table, plots, every run, and provenance. */
export function renderMarkdown(file: ResultsFile): string {
  const { summary } = file;
  const lines = [`# ${file.experiment}: ${file.title}`, ''];
  lines.push(
    file.complete
      ? `Mode \`${file.mode}\`, all ${file.runsPlanned} runs finished.`
      : `**Partial results: ${file.runsFinished} of ${file.runsPlanned} runs finished** (mode \`${file.mode}\`); ` +
          'the verdict uses only the finished runs.',
    '',
  );
  if (summary.verdict === null) lines.push('This experiment states no verdict criterion.', '');
  else lines.push(...verdictLines(summary.verdict, '##'));
  for (const check of summary.checks) lines.push(...verdictLines(check, '###'));
  if (summary.notes !== null) lines.push(summary.notes.trim(), '');

  lines.push('## Per condition', '', 'Mean ± sample standard deviation over seeds; n = seeds finished.', '');
  lines.push(
    tableRow(['condition', 'n', ...summary.metrics]),
    tableRow(['---', '--:', ...summary.metrics.map(() => '--:')]),
  );
  for (const row of summary.table) {
    lines.push(
      tableRow([
        row.condition,
        String(row.n),
        ...summary.metrics.map((m) => cell(row.metrics[m] ?? null, row.n)),
      ]),
    );
  }
  lines.push('');

  if (summary.plots.length > 0) {
    lines.push('## Plots', '', ...summary.plots.map((plot) => `![${plot}](${plot})`), '');
  }

  // The threads column appears once some run recorded them (apps whose runs offer two-thread training).
  const threads = file.runs.some((run) => run.training !== undefined);
  lines.push('## Runs', '');
  lines.push(
    tableRow([
      'run',
      'seed',
      ...summary.metrics,
      'wall time',
      ...(threads ? ['threads'] : []),
      'backend',
      'commit',
    ]),
    tableRow([
      '---',
      '--:',
      ...summary.metrics.map(() => '--:'),
      '--:',
      ...(threads ? ['---'] : []),
      '---',
      '---',
    ]),
  );
  for (const run of file.runs) {
    const metricCells = summary.metrics.map((m) => {
      const value = run.metrics[m];
      return typeof value === 'number' ? formatNumber(value) : '–';
    });
    const wall = `${formatDuration(run.wallSeconds)}${run.resumed ? ' (resumed)' : ''}`;
    const threadCell = threads ? [run.training === undefined ? '–' : threadsCell(run.training)] : [];
    lines.push(
      tableRow([
        run.id,
        String(run.seed),
        ...metricCells,
        wall,
        ...threadCell,
        run.backend,
        shortCommit(run.git),
      ]),
    );
  }
  lines.push('');
  if (threads) lines.push(THREADS_LEGEND, '');

  lines.push(
    '## How this was made',
    '',
    `\`${file.command}\` at commit ${shortCommit(file.git)}; ${file.backend}; Node ${file.node}; ` +
      `written ${file.writtenAt}.`,
  );
  const others = new Set(file.runs.map((run) => `\`${run.command}\` at ${shortCommit(run.git)}`));
  others.delete(`\`${file.command}\` at ${shortCommit(file.git)}`);
  if (others.size > 0) lines.push('', `Some runs were finished by: ${[...others].join('; ')}.`);
  lines.push('');
  return lines.join('\n');
}

const THREADS_LEGEND =
  'Threads: 1 = this thread alone; 2 = transformer-core’s `DataParallel` with one worker, each thread half of ' +
  'every batch (the same training up to float rounding). `auto` timed one update’s gradients on each path at ' +
  `the start of the run (${AUTO_RULE.warmup} warm-up, then the median of ${AUTO_RULE.timed}; one thread → two ` +
  `threads) and took two when at least ${AUTO_RULE.minSpeedup * 100} % faster; \`recorded\` kept the choice ` +
  'an earlier attempt of the resumed run timed; `on` and `off` were set by `--parallel`.';

/** A run's threads, what chose them and, when timed, the medians: `2 (auto: 63.1 ms → 41.2 ms)`. */
function threadsCell(training: TrainingThreads): string {
  const { threads, decidedBy, singleMs, parallelMs } = training;
  const timed =
    singleMs === null || parallelMs === null
      ? ''
      : `: ${formatNumber(singleMs)} ms → ${formatNumber(parallelMs)} ms`;
  return `${threads} (${decidedBy}${timed})`;
}

function verdictLines(verdict: Verdict, heading: string): string[] {
  const label = verdict.label === undefined ? 'Verdict' : `Verdict (${verdict.label})`;
  return [
    `${heading} ${label}: ${verdict.outcome}`,
    '',
    `- Criterion: ${verdict.criterion}`,
    `- Evidence: ${verdict.evidence}`,
    '',
  ];
}

function cell(summary: ValueSummary | null, rowN: number): string {
  if (summary === null) return '–';
  const value =
    summary.std === null
      ? formatNumber(summary.mean)
      : `${formatNumber(summary.mean)} ± ${formatNumber(summary.std)}`;
  return summary.n === rowN ? value : `${value} (n = ${summary.n})`;
}

function shortCommit(git: GitState | null): string {
  if (git === null) return 'unknown (not a git work tree)';
  return `${git.commit.slice(0, 10)}${git.dirty ? ' (with uncommitted changes)' : ''}`;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
}
