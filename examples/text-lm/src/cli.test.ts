import { KitError } from '@beyond-ntp-examples/kit';
import { describe, expect, it } from 'vitest';
import { type Command, parseCommand } from './cli.js';

const context = { cwd: '/home/me/texts', runsDir: '/app/runs' };
const parse = (...argv: string[]) => parseCommand(argv, context);
const args = <C extends Command['command']>(command: Command, kind: C) => {
  if (command.command !== kind) throw new Error(`expected ${kind}, got ${command.command}`);
  return command as Extract<Command, { command: C }> as Extract<Command, { command: C }>;
};
const usage = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(KitError.isInstance(error) && error.code === 'USAGE').toBe(true);
    return (error as KitError).message;
  }
  throw new Error('expected a usage error');
};

describe('parseCommand', () => {
  it('reads train with its defaults, paths relative to where the command was typed', () => {
    const { args: train } = args(parse('train', 'book.txt'), 'train');
    expect(train).toEqual({
      text: '/home/me/texts/book.txt',
      out: '/app/runs/book',
      tokenizer: { kind: 'char' },
      model: { contextLength: 64, dModel: 64, nLayers: 2, nHeads: 4, dropout: 0.1 },
      plan: {
        steps: 1000,
        batchSize: 16,
        learningRate: 0.003,
        warmupSteps: 50,
        heldOutFraction: 0.1,
        evalEvery: 100,
        evalBatches: 8,
        checkpointEvery: 200,
        seed: 0,
      },
      backend: undefined,
      fresh: false,
    });
  });

  it('reads every train flag', () => {
    const { args: train } = args(
      parse(
        'train',
        '/data/t.md',
        '--out=../run',
        '--tokenizer=bpe',
        '--vocab-size=300',
        '--context=32',
        '--d-model=48',
        '--layers=3',
        '--heads=6',
        '--dropout=0',
        '--steps=7',
        '--batch-size=2',
        '--lr=1e-3',
        '--warmup=0',
        '--held-out=0.2',
        '--eval-every=5',
        '--eval-batches=1',
        '--checkpoint-every=3',
        '--seed=9',
        '--backend=cpu',
        '--fresh',
      ),
      'train',
    );
    expect(train).toEqual({
      text: '/data/t.md',
      out: '/home/me/run',
      tokenizer: { kind: 'bpe', vocabSize: 300 },
      model: { contextLength: 32, dModel: 48, nLayers: 3, nHeads: 6, dropout: 0 },
      plan: {
        steps: 7,
        batchSize: 2,
        learningRate: 0.001,
        warmupSteps: 0,
        heldOutFraction: 0.2,
        evalEvery: 5,
        evalBatches: 1,
        checkpointEvery: 3,
        seed: 9,
      },
      backend: 'cpu',
      fresh: true,
    });
    expect(args(parse('train', 'x', '--tokenizer', 'gpt2/tokenizer.json'), 'train').args.tokenizer).toEqual({
      kind: 'file',
      path: '/home/me/texts/gpt2/tokenizer.json',
    });
  });

  it('reads sample with its defaults and flags', () => {
    expect(args(parse('sample', 'runs/book'), 'sample').args).toEqual({
      run: '/home/me/texts/runs/book',
      start: '\n',
      tokens: 500,
      temperature: 0.8,
      topK: undefined,
      topP: 1,
      seed: 0,
      step: undefined,
      backend: undefined,
    });
    const { args: sample } = args(
      parse(
        'sample',
        '/r',
        '--start',
        'Once',
        '--tokens=5',
        '--temperature=0',
        '--top-k=3',
        '--top-p=0.9',
        '--seed=2',
        '--step=400',
      ),
      'sample',
    );
    expect(sample).toMatchObject({
      start: 'Once',
      tokens: 5,
      temperature: 0,
      topK: 3,
      topP: 0.9,
      seed: 2,
      step: 400,
    });
  });

  it('prints help for no command, help and --help', () => {
    for (const argv of [[], ['help'], ['--help'], ['train', '--help'], ['sample', '-h']]) {
      const command = parseCommand(argv, context);
      expect(command.command).toBe('help');
      expect((command as { text: string }).text).toMatch(/^text-lm: train a small language model/);
    }
  });

  it('names the flag or argument at fault', () => {
    expect(usage('fit', 'x')).toBe('command: unknown command "fit"; expected train or sample');
    expect(usage('train')).toBe('<text file>: missing; give exactly one');
    expect(usage('train', 'a', 'b')).toBe('<text file>: expected one, got 2: a b');
    expect(usage('train', 'a', '--stpes=3')).toMatch(/^flags: Unknown option '--stpes'/);
    expect(usage('train', 'a', '--steps=0')).toBe('--steps: expected an integer >= 1, got "0"');
    expect(usage('train', 'a', '--steps=1.5')).toBe('--steps: expected an integer >= 1, got "1.5"');
    expect(usage('train', 'a', '--d-model=50', '--heads=4')).toBe(
      '--d-model: 50 is not divisible by --heads 4',
    );
    expect(usage('train', 'a', '--held-out=0.9')).toBe(
      '--held-out: expected a number in [0.001, 0.5], got "0.9"',
    );
    expect(usage('train', 'a', '--lr=0')).toBe('--lr: expected a number in (0, 1], got "0"');
    expect(usage('train', 'a', '--tokenizer=words')).toBe(
      '--tokenizer: "words" is not char, bpe or a path to a tokenizer.json',
    );
    expect(usage('train', 'a', '--vocab-size=100')).toBe(
      '--vocab-size: expected an integer >= 257, got "100"',
    );
    expect(usage('train', 'a', '--backend=gpu')).toMatch(/^--backend: "gpu" is not one of /);
    expect(usage('sample', 'r', '--start=')).toBe('--start: needs at least one character');
    expect(usage('sample', 'r', '--temperature=-1')).toBe(
      '--temperature: expected a number in [0, 100], got "-1"',
    );
  });
});
