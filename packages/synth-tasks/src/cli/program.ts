import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SynthTasksError } from '../errors.js';
import type { TokenizerLike } from '../induction/record.js';
import { checkWritable, readJsonl, writeJsonl } from '../jsonl-file.js';
import { datasetStats, TASK_NAMES, TASKS, type TaskName, type TaskRecord } from '../tasks.js';

/** The first line of an error's message: one line is what a CLI error prints. */
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Where the CLI writes; replaced in tests. */
export interface CliIo {
  /** Normal output (stats, summaries). */
  out: (text: string) => void;
  /** Stream the progress bar draws on, or undefined for no bar (not a TTY). */
  progress: NodeJS.WriteStream | undefined;
}

const integer = (flag: string) => (value: string) => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${flag} must be an integer, got "${value}"`);
  return Number(value);
};

// Options with a flag of their own: a `--set` for them would be overridden by the flag (or its default).
const FLAGGED = ['count', 'seed', 'split', 'tokenizer'];

/** `key=value` task options; values that parse as JSON (numbers, booleans) are used as such. */
function collectSetting(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--set expects key=value, got "${value}"`);
  const key = value.slice(0, eq);
  if (FLAGGED.includes(key)) {
    throw new InvalidArgumentError(
      `--set ${value}: ${key} has a flag of its own; use --${key} ${value.slice(eq + 1)}`,
    );
  }
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not JSON: keep the string (e.g. op=+).
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
}

async function loadTokenizer(path: string): Promise<TokenizerLike> {
  const file = resolve(path);
  if (!(await stat(file).catch(() => undefined))?.isFile()) {
    throw new SynthTasksError('INVALID_OPTIONS', `--tokenizer ${path}: no such file`);
  }
  let module: { default?: TokenizerLike; tokenizer?: TokenizerLike };
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new SynthTasksError(
      'INVALID_OPTIONS',
      `--tokenizer ${path}: cannot be loaded (${firstLine(error)})`,
    );
  }
  const candidate = module.default ?? module.tokenizer;
  if (typeof candidate?.encode !== 'function') {
    throw new SynthTasksError(
      'INVALID_OPTIONS',
      `--tokenizer ${path}: the module must export (default or as "tokenizer") an object with encode(text)`,
    );
  }
  return candidate;
}

function* withProgress<T>(records: Iterable<T>, total: number, stream: NodeJS.WriteStream | undefined) {
  const bar =
    stream && new SingleBar({ stream, format: '{bar} {value}/{total} records | {eta_formatted} left' });
  bar?.start(total, 0);
  try {
    for (const record of records) {
      yield record;
      bar?.increment();
    }
  } finally {
    bar?.stop();
  }
}

/** The `synth-tasks` command line: `generate <task>` and `stats <file>`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('synth-tasks')
    .description('Generate seeded synthetic-task datasets as JSON Lines and summarize them.')
    .showHelpAfterError();

  program
    .command('generate')
    .description('Generate a dataset and write it atomically as JSON Lines.')
    .addArgument(program.createArgument('<task>', 'task to generate').choices(TASK_NAMES))
    .requiredOption('--count <n>', 'number of records', integer('--count'))
    .requiredOption('--seed <seed>', 'seed (integer or string); same seed, same data')
    .requiredOption('--out <file>', 'output .jsonl file')
    .addOption(
      new Option('--split <split>', 'split to draw from').choices(['train', 'test']).default('train'),
    )
    .option('--set <key=value>', 'task option, repeatable (e.g. --set digitsA=3)', collectSetting, {})
    .option('--tokenizer <module>', 'ES module exporting a tokenizer with encode(text) (needed by induction)')
    .action(async (task: TaskName, flags) => {
      const seed = /^-?\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
      await checkWritable(flags.out).catch((error: unknown) => {
        throw new SynthTasksError('IO_ERROR', `--out ${(error as Error).message}`);
      });
      const tokenizer = flags.tokenizer ? await loadTokenizer(flags.tokenizer) : undefined;
      const options = {
        ...flags.set,
        seed,
        count: flags.count,
        split: flags.split,
        ...(tokenizer && { tokenizer }),
      };
      const records: Iterable<TaskRecord> = TASKS[task].records(options);
      await writeJsonl(flags.out, withProgress(records, flags.count, io.progress));
      io.out(`wrote ${flags.count} ${task} records to ${flags.out}`);
    });

  program
    .command('stats')
    .description('Validate a JSON Lines dataset and print its statistics per task.')
    .argument('<file>', 'a .jsonl file written by generate')
    .action(async (file: string) => {
      const records = await readJsonl(file);
      if (records.length === 0) throw new SynthTasksError('BAD_DATASET', `${file}: no records`);
      const byTask = Object.fromEntries(
        TASK_NAMES.flatMap((task) => {
          const ofTask = records.filter((r) => r.task === task);
          return ofTask.length ? [[task, datasetStats(ofTask)]] : [];
        }),
      );
      io.out(JSON.stringify(byTask, null, 2));
    });

  return program;
}
