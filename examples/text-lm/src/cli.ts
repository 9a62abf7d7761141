import { basename, extname, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName } from '@beyond-ntp/runtime';
import { KitError } from '@beyond-ntp-examples/kit';

// node:util's parseArgs, as the kit uses: two commands with a dozen flags each, strict rejection of unknown
// ones; the value checks and help text are ours either way.

/** Which tokenizer a run trains with: characters, a byte-level BPE learned from the text, or a saved one. */
export type TokenizerChoice =
  | { kind: 'char' }
  | { kind: 'bpe'; vocabSize: number }
  | { kind: 'file'; path: string };

/** The model's shape, as `createModel` takes it (the vocabulary size comes from the tokenizer). */
export interface ModelShape {
  contextLength: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  dropout: number;
}

/** How a run trains; all of it is stored with the run so a rerun resumes only the same run. */
export interface TrainingPlan {
  steps: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  heldOutFraction: number;
  evalEvery: number;
  evalBatches: number;
  checkpointEvery: number;
  seed: number;
}

/** `train <text file> [flags]`, parsed. */
export interface TrainArgs {
  /** The text file, absolute. */
  text: string;
  /** The run directory (checkpoints, tokenizer, metrics, plot), absolute. */
  out: string;
  tokenizer: TokenizerChoice;
  model: ModelShape;
  plan: TrainingPlan;
  backend: BackendName | 'auto' | undefined;
  /** Delete this app's files in `out` first instead of resuming. */
  fresh: boolean;
}

/** `sample <run dir> [flags]`, parsed. */
export interface SampleArgs {
  /** The run directory, absolute. */
  run: string;
  start: string;
  tokens: number;
  temperature: number;
  topK: number | undefined;
  topP: number;
  seed: number;
  /** The checkpoint's step; undefined for the latest. */
  step: number | undefined;
  backend: BackendName | 'auto' | undefined;
}

/** A parsed command line. */
export type Command =
  | { command: 'train'; args: TrainArgs }
  | { command: 'sample'; args: SampleArgs }
  | { command: 'help'; text: string };

/** Where relative paths on the command line start, and where runs go by default. */
export interface CliContext {
  /** The directory the user typed the command in. */
  cwd: string;
  /** Default parent of run directories: `<runsDir>/<text file name>`. */
  runsDir: string;
}

const TRAIN_FLAGS = {
  out: { type: 'string' },
  tokenizer: { type: 'string', default: 'char' },
  'vocab-size': { type: 'string', default: '512' },
  context: { type: 'string', default: '64' },
  'd-model': { type: 'string', default: '64' },
  layers: { type: 'string', default: '2' },
  heads: { type: 'string', default: '4' },
  dropout: { type: 'string', default: '0.1' },
  steps: { type: 'string', default: '1000' },
  'batch-size': { type: 'string', default: '16' },
  lr: { type: 'string', default: '0.003' },
  warmup: { type: 'string', default: '50' },
  'held-out': { type: 'string', default: '0.1' },
  'eval-every': { type: 'string', default: '100' },
  'eval-batches': { type: 'string', default: '8' },
  'checkpoint-every': { type: 'string', default: '200' },
  seed: { type: 'string', default: '0' },
  backend: { type: 'string' },
  fresh: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const SAMPLE_FLAGS = {
  start: { type: 'string', default: '\n' },
  tokens: { type: 'string', default: '500' },
  temperature: { type: 'string', default: '0.8' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string', default: '1' },
  seed: { type: 'string', default: '0' },
  step: { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** The help text of both commands. */
export const HELP = `text-lm: train a small language model on a text file, then sample from it.

  train <text file> [flags]   train (or resume) a run; its directory holds checkpoints and tokenizer
  sample <run dir> [flags]    continue a start text with the run's latest checkpoint

train flags (defaults in brackets):
  --out <dir>               run directory [runs/<file name> in this app's folder]
  --tokenizer <t>           char, bpe (learned from the training text) or a tokenizer.json file [char]
  --vocab-size <n>          vocabulary size of --tokenizer bpe [512]
  --context <n>             context length, and the length of each training window [64]
  --d-model <n>             residual width [64]
  --layers <n>              transformer blocks [2]
  --heads <n>               attention heads per block [4]
  --dropout <p>             dropout while training [0.1]
  --steps <n>               optimizer updates in total [1000]
  --batch-size <n>          windows per update [16]
  --lr <x>                  peak learning rate, cosine-decayed to a tenth [0.003]
  --warmup <n>              warmup updates [50]
  --held-out <f>            share of the text at its end held out for evaluation [0.1]
  --eval-every <n>          held-out evaluation every n updates [100]
  --eval-batches <n>        held-out batches per evaluation, spread over the held-out text [8]
  --checkpoint-every <n>    save every n updates (and at the end) [200]
  --seed <n>                model initialisation, windows and dropout [0]
  --backend <name>          ${BACKEND_NAMES.join(', ')} or auto [BNTP_BACKEND, else auto]
  --fresh                   start over: delete this app's files in the run directory first

  Rerunning the same command resumes from the last checkpoint; other settings on an existing run are refused.

sample flags:
  --start <text>            text to continue [a newline]
  --tokens <n>              tokens to generate [500]
  --temperature <t>         softmax temperature, 0 for greedy [0.8]
  --top-k <k>               keep the k most likely tokens [all]
  --top-p <p>               nucleus sampling mass [1]
  --seed <n>                sampling seed [0]
  --step <n>                use the checkpoint of this step [the latest]
  --backend <name>          as for train
`;

/**
 * Parses the command line (without the node and script paths). Throws a `KitError` with code `USAGE` naming the
 * flag for an unknown command or flag, a missing file argument or an out-of-range value.
 */
export function parseCommand(argv: readonly string[], context: CliContext): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help', text: HELP };
  }
  if (command === 'train') return parseTrain(rest, context);
  if (command === 'sample') return parseSample(rest, context);
  throw new KitError('USAGE', 'command', `unknown command "${command}"; expected train or sample`);
}

function parseTrain(argv: readonly string[], context: CliContext): Command {
  const { values, positionals } = parse(argv, TRAIN_FLAGS);
  if (values.help) return { command: 'help', text: HELP };
  const file = single(positionals, '<text file>');
  const text = resolve(context.cwd, file);
  const dModel = integer(values, 'd-model', 1);
  const nHeads = integer(values, 'heads', 1);
  if (dModel % nHeads !== 0) {
    throw new KitError('USAGE', '--d-model', `${dModel} is not divisible by --heads ${nHeads}`);
  }
  return {
    command: 'train',
    args: {
      text,
      out:
        values.out === undefined
          ? resolve(context.runsDir, basename(text, extname(text)) || basename(text))
          : resolve(context.cwd, values.out),
      tokenizer: tokenizerChoice(values.tokenizer, integer(values, 'vocab-size', 257), context.cwd),
      model: {
        contextLength: integer(values, 'context', 1),
        dModel,
        nLayers: integer(values, 'layers', 1),
        nHeads,
        dropout: number(values, 'dropout', 0, 0.99),
      },
      plan: {
        steps: integer(values, 'steps', 1),
        batchSize: integer(values, 'batch-size', 1),
        learningRate: number(values, 'lr', Number.MIN_VALUE, 1),
        warmupSteps: integer(values, 'warmup', 0),
        heldOutFraction: number(values, 'held-out', 0.001, 0.5),
        evalEvery: integer(values, 'eval-every', 1),
        evalBatches: integer(values, 'eval-batches', 1),
        checkpointEvery: integer(values, 'checkpoint-every', 1),
        seed: integer(values, 'seed', 0),
      },
      backend: backendOf(values.backend),
      fresh: values.fresh,
    },
  };
}

function parseSample(argv: readonly string[], context: CliContext): Command {
  const { values, positionals } = parse(argv, SAMPLE_FLAGS);
  if (values.help) return { command: 'help', text: HELP };
  const run = resolve(context.cwd, single(positionals, '<run dir>'));
  if (values.start.length === 0) throw new KitError('USAGE', '--start', 'needs at least one character');
  return {
    command: 'sample',
    args: {
      run,
      start: values.start,
      tokens: integer(values, 'tokens', 1),
      temperature: number(values, 'temperature', 0, 100),
      topK: values['top-k'] === undefined ? undefined : integer(values, 'top-k', 1),
      topP: number(values, 'top-p', Number.MIN_VALUE, 1),
      seed: integer(values, 'seed', 0),
      step: values.step === undefined ? undefined : integer(values, 'step', 1),
      backend: backendOf(values.backend),
    },
  };
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs names the flag in its message ("Unknown option '--stpes'").
    throw new KitError('USAGE', 'flags', (error as Error).message);
  }
}

function single(positionals: string[], what: string): string {
  if (positionals.length !== 1) {
    throw new KitError(
      'USAGE',
      what,
      positionals.length === 0
        ? `missing; give exactly one`
        : `expected one, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  return positionals[0] as string;
}

function tokenizerChoice(value: string, vocabSize: number, cwd: string): TokenizerChoice {
  if (value === 'char') return { kind: 'char' };
  if (value === 'bpe') return { kind: 'bpe', vocabSize };
  if (value.endsWith('.json')) return { kind: 'file', path: resolve(cwd, value) };
  throw new KitError('USAGE', '--tokenizer', `"${value}" is not char, bpe or a path to a tokenizer.json`);
}

function backendOf(value: string | undefined): BackendName | 'auto' | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value)) {
    return value as BackendName | 'auto';
  }
  throw new KitError('USAGE', '--backend', `"${value}" is not one of ${BACKEND_NAMES.join(', ')}, auto`);
}

function integer(values: Record<string, unknown>, flag: string, min: number): number {
  const raw = String(values[flag]);
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new KitError('USAGE', `--${flag}`, `expected an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function number(values: Record<string, unknown>, flag: string, min: number, max: number): number {
  const raw = String(values[flag]);
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    const range = min === Number.MIN_VALUE ? `(0, ${max}]` : `[${min}, ${max}]`;
    throw new KitError('USAGE', `--${flag}`, `expected a number in ${range}, got "${raw}"`);
  }
  return value;
}
