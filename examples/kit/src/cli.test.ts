import { describe, expect, it } from 'vitest';
import { helpText, parseCli, parseSeeds, positiveIntegerOption } from './cli.js';
import { KitError } from './errors.js';

const usageError = (argv: string[]) => {
  try {
    parseCli({ argv, options: { text: { type: 'string', description: 'a text file' } } });
  } catch (error) {
    if (KitError.isInstance(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('parseCli', () => {
  it('defaults to the full mode with the experiment’s seeds and output directory', () => {
    expect(parseCli({ argv: [] })).toEqual({
      mode: 'full',
      seeds: undefined,
      out: undefined,
      backend: undefined,
      parallel: 'auto',
      fresh: false,
      report: false,
      help: false,
      options: {},
    });
    // Smoke runs are deterministic and take seconds: one thread unless asked for two.
    expect(parseCli({ argv: ['--smoke'] }).parallel).toBe('off');
    expect(parseCli({ argv: ['--smoke', '--parallel', 'on'] }).parallel).toBe('on');
    expect(parseCli({ argv: ['--quick'] }).parallel).toBe('auto');
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const options = {
      text: { type: 'string' as const, description: 'a text file' },
      verbose: { type: 'boolean' as const, description: 'say more', default: false },
      size: { type: 'string' as const, description: 'model size', default: 'small' },
    };
    expect(
      parseCli({
        argv: [
          '--quick',
          '--seeds=4..6',
          '--out',
          'o',
          '--backend',
          'cpu',
          '--parallel=off',
          '--fresh',
          '--text',
          'a.txt',
        ],
        options,
      }),
    ).toEqual({
      mode: 'quick',
      seeds: [4, 5, 6],
      out: 'o',
      backend: 'cpu',
      parallel: 'off',
      fresh: true,
      report: false,
      help: false,
      options: { text: 'a.txt', verbose: false, size: 'small' },
    });
    expect(parseCli({ argv: ['--quick', '--report'] }).report).toBe(true);
    expect(usageError(['--report', '--fresh'])).toEqual({
      code: 'USAGE',
      field: '--report',
      message: '--report: rewrites the report of the recorded runs, which --fresh would discard',
    });
    expect(parseCli({ argv: ['--smoke', '-h'] })).toMatchObject({ mode: 'smoke', help: true });
    expect(parseCli({ argv: ['--full'] }).mode).toBe('full');
  });

  it('rejects bad flags with a usage error naming the flag', () => {
    expect(usageError(['--sed', '3'])).toEqual({
      code: 'USAGE',
      field: '--sed',
      message: "--sed: Unknown option '--sed'",
    });
    expect(usageError(['--out'])).toMatchObject({ code: 'USAGE', field: '--out' });
    expect(usageError(['--fresh=yes'])).toMatchObject({ code: 'USAGE', field: '--fresh' });
    expect(usageError(['quick'])).toMatchObject({ code: 'USAGE', field: 'quick' });
    expect(usageError(['--quick', '--smoke'])).toEqual({
      code: 'USAGE',
      field: '--quick',
      message: '--quick: choose one mode, not --smoke and --quick',
    });
    expect(usageError(['--backend', 'gpu'])).toEqual({
      code: 'USAGE',
      field: '--backend',
      message: '--backend: unknown backend "gpu"; choose one of tensorflow, wasm, cpu, auto',
    });
    expect(usageError(['--parallel', 'yes'])).toEqual({
      code: 'USAGE',
      field: '--parallel',
      message: '--parallel: unknown mode "yes"; choose one of auto, on, off',
    });
    expect(usageError(['--out='])).toMatchObject({ code: 'USAGE', field: '--out' });
    expect(usageError(['--seeds', 'x'])).toMatchObject({ code: 'USAGE', field: '--seeds' });
  });

  it('refuses app options that shadow the kit’s flags', () => {
    expect(() => parseCli({ argv: [], options: { seeds: { type: 'string', description: 'x' } } })).toThrow(
      'options.seeds: --seeds is already a flag of the kit',
    );
  });
});

describe('positiveIntegerOption', () => {
  it('reads a positive integer, and nothing when the flag was not given', () => {
    expect(positiveIntegerOption('steps', '3000')).toBe(3000);
    expect(positiveIntegerOption('steps', undefined)).toBeUndefined();
  });

  it.each(['0', '-3', '2.5', 'many', ''])('refuses %j, naming the flag', (value) => {
    expect(() => positiveIntegerOption('steps', value)).toThrow(
      `--steps: must be a positive integer, got ${value}`,
    );
  });

  it('refuses a switch given where a number belongs', () => {
    expect(() => positiveIntegerOption('steps', true)).toThrow(
      '--steps: must be a positive integer, got true',
    );
  });
});

describe('parseSeeds', () => {
  it('reads a count, a range or a list', () => {
    expect(parseSeeds('3')).toEqual([0, 1, 2]);
    expect(parseSeeds('4..6')).toEqual([4, 5, 6]);
    expect(parseSeeds('7..7')).toEqual([7]);
    expect(parseSeeds('0,5,9')).toEqual([0, 5, 9]);
  });

  it('explains what is wrong', () => {
    const message = (text: string) => {
      try {
        parseSeeds(text);
        return 'no error';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const hint = '; give a count (3), a range (4..6) or a list (0,5,9)';
    expect(message('0')).toBe(`--seeds: "0": a count of seeds must be at least 1${hint}`);
    expect(message('6..4')).toBe(`--seeds: "6..4": the range ends before it starts${hint}`);
    expect(message('1,1')).toBe(`--seeds: "1,1": seed 1 is listed twice${hint}`);
    expect(message('1,-2')).toBe(`--seeds: "1,-2": "-2" is not a non-negative integer${hint}`);
    expect(message('1.5')).toBe(`--seeds: "1.5": "1.5" is not a non-negative integer${hint}`);
    expect(message('1..2..3')).toBe(`--seeds: "1..2..3": a range is written first..last${hint}`);
  });
});

it('help text lists the kit’s flags, the seeds per mode and the app’s options', () => {
  const text = helpText({
    experiment: {
      name: 'demo',
      title: 'B beats A',
      seeds: { smoke: 1, quick: 3, full: 5 },
      budgets: { full: 'about an hour on 2 cores' },
      options: { text: { type: 'string', description: 'the text to train on', default: 'a.txt' } },
    },
    command: 'tsx examples/demo/src/main.ts',
  });
  expect(text.split('\n').slice(0, 3)).toEqual([
    'demo: B beats A',
    '',
    'Usage: tsx examples/demo/src/main.ts [--smoke | --quick | --full] [options]',
  ]);
  for (const flag of [
    '--smoke',
    '--quick',
    '--full',
    '--seeds <seeds>',
    '--out <dir>',
    '--backend <name>',
    '--parallel <mode>',
    '--fresh',
  ]) {
    expect(text).toMatch(new RegExp(`^  ${flag.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')} `, 'm'));
  }
  expect(text).toMatch(/^ {2}--smoke +a few seconds, checks the plumbing \(run by CI\); 1 seed$/m);
  expect(text).toMatch(/^ {2}--quick +at most ~5 minutes on 2 cores, the cheapest robust signal; 3 seeds$/m);
  expect(text).toMatch(/^ {2}--full +about an hour on 2 cores, the default; 5 seeds$/m);
  expect(text).toMatch(/Options of demo:\n {2}--text <value> +the text to train on \(default: a\.txt\)\n/);
});
