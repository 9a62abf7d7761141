import { type ParseArgsConfig, parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName } from '@beyond-ntp/runtime';
import { KitError } from './errors.js';
import type { AppOption, AppOptionValues, Experiment, Mode } from './experiment.js';
import { PARALLEL_MODES, type ParallelMode } from './parallel/choice.js';

// node:util's parseArgs is enough here: a handful of flags, strict rejection of unknown ones, and app options
// merged in as data. Help text and value checks (seeds, backend, conflicting modes) are ours either way, and it
// adds no dependency to the apps.

/** The command line of an experiment app, parsed. */
export interface CliOptions {
  /** `--smoke`, `--quick` or `--full` (the default). */
  mode: Mode;
  /** `--seeds`, or undefined for the experiment's default for the mode. */
  seeds: number[] | undefined;
  /** `--out <dir>`, or undefined for the experiment's default. */
  out: string | undefined;
  /** `--backend`, or undefined to let `BNTP_BACKEND` or the automatic choice decide. */
  backend: BackendName | 'auto' | undefined;
  /** `--parallel`: two-thread training `on`, `off` or `auto` (default: `off` for `--smoke`, else `auto`). */
  parallel: ParallelMode;
  /** `--fresh`: discard earlier runs in the output directory. */
  fresh: boolean;
  /** `--report`: rewrite the report from the runs recorded in `results.json`, running nothing. */
  report: boolean;
  /** `--help` / `-h`. */
  help: boolean;
  /** The experiment's own options, with their defaults filled in. */
  options: AppOptionValues;
}

const KIT_FLAGS = {
  smoke: { type: 'boolean' },
  quick: { type: 'boolean' },
  full: { type: 'boolean' },
  seeds: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  parallel: { type: 'string' },
  fresh: { type: 'boolean' },
  report: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/**
 * Parses `argv` (without the node and script paths) against the kit's flags and the experiment's options.
 * Throws a `KitError` with code `USAGE` naming the flag for unknown flags, missing values, several modes at once,
 * malformed seeds or an unknown backend.
 */
export function parseCli(args: { argv: readonly string[]; options?: Record<string, AppOption> }): CliOptions {
  const appOptions = args.options ?? {};
  for (const name of Object.keys(appOptions)) {
    if (name in KIT_FLAGS) {
      throw new KitError('INVALID_EXPERIMENT', `options.${name}`, `--${name} is already a flag of the kit`);
    }
  }
  const config = {
    args: [...args.argv],
    options: {
      ...KIT_FLAGS,
      ...Object.fromEntries(
        Object.entries(appOptions).map(([name, option]) => [name, { type: option.type }]),
      ),
    },
    strict: true,
    allowPositionals: false,
  } satisfies ParseArgsConfig;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs(config).values;
  } catch (error) {
    throw usageFromNode(error);
  }
  const modes = (['smoke', 'quick', 'full'] as const).filter((mode) => values[mode] === true);
  if (modes.length > 1) {
    throw new KitError(
      'USAGE',
      `--${modes[1]}`,
      `choose one mode, not ${modes.map((m) => `--${m}`).join(' and ')}`,
    );
  }
  const mode = modes[0] ?? 'full';
  if (values.report === true && values.fresh === true) {
    throw new KitError(
      'USAGE',
      '--report',
      'rewrites the report of the recorded runs, which --fresh would discard',
    );
  }
  return {
    mode,
    seeds: values.seeds === undefined ? undefined : parseSeeds(values.seeds as string),
    out: emptyToError('out', values.out as string | undefined),
    backend: parseBackend(values.backend as string | undefined),
    // Smoke runs take seconds and must be deterministic: no timing, no worker unless asked for.
    parallel: parseParallel(values.parallel as string | undefined) ?? (mode === 'smoke' ? 'off' : 'auto'),
    fresh: values.fresh === true,
    report: values.report === true,
    help: values.help === true,
    options: Object.fromEntries(
      Object.entries(appOptions).map(([name, option]) => [name, values[name] ?? option.default]),
    ),
  };
}

/**
 * Parses `--seeds`: a count (`3` → 0, 1, 2), an inclusive range (`4..6` → 4, 5, 6; `7..7` is the single seed 7)
 * or a comma-separated list (`0,5,9`). Seeds are distinct non-negative integers.
 */
export function parseSeeds(text: string): number[] {
  const integer = (part: string): number => {
    if (!/^\d+$/.test(part.trim())) throw badSeeds(text, `"${part}" is not a non-negative integer`);
    return Number(part);
  };
  let seeds: number[];
  if (text.includes('..')) {
    const [from = '', to = '', ...rest] = text.split('..');
    if (rest.length > 0) throw badSeeds(text, 'a range is written first..last');
    const [first, last] = [integer(from), integer(to)];
    if (last < first) throw badSeeds(text, `the range ends before it starts`);
    seeds = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  } else if (text.includes(',')) {
    seeds = text.split(',').map(integer);
  } else {
    const count = integer(text);
    if (count < 1) throw badSeeds(text, 'a count of seeds must be at least 1');
    seeds = Array.from({ length: count }, (_, i) => i);
  }
  const repeated = seeds.find((seed, i) => seeds.indexOf(seed) !== i);
  if (repeated !== undefined) throw badSeeds(text, `seed ${repeated} is listed twice`);
  return seeds;
}

/** The `--help` text of an experiment app. */
export function helpText(args: {
  experiment: Pick<Experiment, 'name' | 'title' | 'seeds' | 'budgets' | 'options'>;
  command: string;
}): string {
  const { experiment, command } = args;
  const mode = (name: Mode, standard: string, purpose: string) => {
    const seeds = experiment.seeds[name];
    return `${experiment.budgets?.[name] ?? standard}, ${purpose}; ${seeds} seed${seeds === 1 ? '' : 's'}`;
  };
  const rows: [string, string][] = [
    ['--smoke', mode('smoke', 'a few seconds', 'checks the plumbing (run by CI)')],
    ['--quick', mode('quick', 'at most ~5 minutes on 2 cores', 'the cheapest robust signal')],
    ['--full', mode('full', 'at most ~30 minutes on 2 cores', 'the default')],
    ['--seeds <seeds>', 'a count (3 = seeds 0,1,2), a range (4..6) or a list (0,5,9)'],
    ['--out <dir>', 'output directory (default: results/<mode>, or out/smoke for --smoke)'],
    ['--backend <name>', `${[...BACKEND_NAMES, 'auto'].join(' | ')} (default: $BNTP_BACKEND, else auto)`],
    [
      '--parallel <mode>',
      'auto | on | off: train on two threads (DataParallel) when faster, always, never (default: auto; off for --smoke)',
    ],
    ['--fresh', 'discard earlier runs in the output directory instead of continuing them'],
    ['--report', 'rewrite results.md, results.json and the plots from the runs in results.json; run nothing'],
    ['-h, --help', 'show this text'],
  ];
  const appRows = Object.entries(experiment.options ?? {}).map(([name, option]): [string, string] => [
    option.type === 'string' ? `--${name} <value>` : `--${name}`,
    option.default === undefined ? option.description : `${option.description} (default: ${option.default})`,
  ]);
  const width = Math.max(...[...rows, ...appRows].map(([flag]) => flag.length)) + 2;
  const table = (list: [string, string][]) => list.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
  return [
    `${experiment.name}: ${experiment.title}`,
    '',
    `Usage: ${command} [--smoke | --quick | --full] [options]`,
    '',
    'Finished runs in the output directory are skipped and interrupted ones continue from their checkpoints;',
    'results.json, results.md and the SVG plots are rewritten after every run.',
    '',
    'Options:',
    ...table(rows),
    ...(appRows.length > 0 ? ['', `Options of ${experiment.name}:`, ...table(appRows)] : []),
    '',
  ].join('\n');
}

/**
 * An app's string option read as a positive integer (e.g. `--steps 3000`), or undefined when it was not given.
 * @throws {KitError} (`USAGE`) naming `--<name>` for anything else.
 */
export function positiveIntegerOption(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(number) || number < 1) {
    throw new KitError('USAGE', `--${name}`, `must be a positive integer, got ${String(value)}`);
  }
  return number;
}

function parseBackend(value: string | undefined): BackendName | 'auto' | undefined {
  if (value === undefined) return undefined;
  const allowed = [...BACKEND_NAMES, 'auto'];
  if (!allowed.includes(value)) {
    throw new KitError(
      'USAGE',
      '--backend',
      `unknown backend "${value}"; choose one of ${allowed.join(', ')}`,
    );
  }
  return value as BackendName | 'auto';
}

function parseParallel(value: string | undefined): ParallelMode | undefined {
  if (value === undefined) return undefined;
  if (!(PARALLEL_MODES as readonly string[]).includes(value)) {
    throw new KitError(
      'USAGE',
      '--parallel',
      `unknown mode "${value}"; choose one of ${PARALLEL_MODES.join(', ')}`,
    );
  }
  return value as ParallelMode;
}

function emptyToError(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '')
    throw new KitError('USAGE', `--${flag}`, 'needs a non-empty value');
  return value;
}

function badSeeds(text: string, problem: string): KitError {
  return new KitError(
    'USAGE',
    '--seeds',
    `"${text}": ${problem}; give a count (3), a range (4..6) or a list (0,5,9)`,
  );
}

/** Turns node's parseArgs errors into usage errors naming the flag. */
function usageFromNode(error: unknown): unknown {
  const { code, message } = error as { code?: string; message?: string };
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS') || typeof message !== 'string')
    return error;
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? /'([^']+)'/.exec(message)?.[1] ?? 'arguments';
  const firstSentence = message.split('. ')[0] ?? message;
  return new KitError('USAGE', flag, firstSentence.replace(/\.$/, ''));
}
