import { BeyondNtpError } from '@beyond-ntp/errors';
import { describe, expect, it, vi } from 'vitest';
import * as reExport from './beyond-ntp-error.js';
import { CheckpointError } from './checkpoint/errors.js';
import { ConfigError, ModelError } from './errors.js';
import * as api from './index.js';
import { KernelError } from './kernels/errors.js';
import { DataParallelError } from './parallel/errors.js';
import { InvalidTrainingArgumentError, NonFiniteLossError, NonFiniteUpdateError } from './train/errors.js';

// One instance per class and code, as the package throws them.
const samples: Array<[string, BeyondNtpError]> = [
  ['ConfigError', new ConfigError('nHeads', 'an integer in [1, 1024]', 0)],
  ...(['INPUT_INVALID', 'WEIGHTS_INVALID', 'CACHE_INVALID'] as const).map(
    (code): [string, BeyondNtpError] => ['ModelError', new ModelError(code, 'm')],
  ),
  ...(
    ['CHECKPOINT_INVALID', 'CHECKPOINT_NOT_FOUND', 'CHECKPOINT_MISMATCH', 'CHECKPOINT_UNSUPPORTED'] as const
  ).map((code): [string, BeyondNtpError] => ['CheckpointError', new CheckpointError(code, 'f', 'm')]),
  ['InvalidTrainingArgumentError', new InvalidTrainingArgumentError('steps', 'm')],
  ['NonFiniteLossError', new NonFiniteLossError(3, Number.NaN, 1)],
  ['NonFiniteUpdateError', new NonFiniteUpdateError(7, 1e39)],
  ...(['REPLICA_MISMATCH', 'WORKER_FAILED', 'NOT_A_WORKER'] as const).map(
    (code): [string, BeyondNtpError] => ['DataParallelError', new DataParallelError(code, 'm')],
  ),
  ...(['KERNEL_UNAVAILABLE', 'KERNEL_INPUT_INVALID'] as const).map((code): [string, BeyondNtpError] => [
    'KernelError',
    new KernelError(code, 'm'),
  ]),
];

const classes = {
  ConfigError,
  ModelError,
  CheckpointError,
  InvalidTrainingArgumentError,
  NonFiniteLossError,
  NonFiniteUpdateError,
  DataParallelError,
  KernelError,
};

// The base class and its protocol are tested in @beyond-ntp/errors; here, that this package's errors extend it.
describe('transformer-core errors extend BeyondNtpError', () => {
  it.each(samples)('%s: isInstance of its own class and of the base, of no other class', (name, error) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Error);
    expect(BeyondNtpError.isInstance(error)).toBe(true);
    for (const [other, cls] of Object.entries<{ isInstance(e: unknown): boolean }>(classes)) {
      expect(cls.isInstance(error), other).toBe(other === name);
    }
  });

  it('keeps the codes it is given and the message, and passes `cause` on', () => {
    expect(samples.map(([, e]) => e.code)).toEqual([
      'CONFIG_INVALID',
      'INPUT_INVALID',
      'WEIGHTS_INVALID',
      'CACHE_INVALID',
      'CHECKPOINT_INVALID',
      'CHECKPOINT_NOT_FOUND',
      'CHECKPOINT_MISMATCH',
      'CHECKPOINT_UNSUPPORTED',
      'INVALID_TRAINING_ARGUMENT',
      'NON_FINITE_LOSS',
      'NON_FINITE_UPDATE',
      'REPLICA_MISMATCH',
      'WORKER_FAILED',
      'NOT_A_WORKER',
      'KERNEL_UNAVAILABLE',
      'KERNEL_INPUT_INVALID',
    ]);
    const cause = new RangeError('inner');
    const error = new DataParallelError('WORKER_FAILED', 'outer', { cause });
    expect(error.message).toBe('outer');
    expect(error.cause).toBe(cause);
  });

  it('recognises errors of another copy of the package (ESM and CJS builds, other versions)', async () => {
    vi.resetModules();
    const copy = await import('./errors.js');
    const base = await import('./beyond-ntp-error.js');
    expect(copy.ConfigError).not.toBe(ConfigError);
    const foreign = new copy.ConfigError('dModel', 'an integer in [1, 16384]', 0);
    expect(foreign).not.toBeInstanceOf(ConfigError);
    expect(ConfigError.isInstance(foreign)).toBe(true);
    expect(BeyondNtpError.isInstance(foreign)).toBe(true);
    expect(ModelError.isInstance(foreign)).toBe(false);
    expect(copy.ConfigError.isInstance(new ConfigError('dModel', 'x', 0))).toBe(true);
    expect(base.BeyondNtpError.isInstance(new KernelError('KERNEL_UNAVAILABLE', 'm'))).toBe(true);
    // What the releases before the base class put on their instances is still recognised.
    const older = { [Symbol.for('@beyond-ntp/transformer-core/ConfigError')]: true };
    expect(ConfigError.isInstance(older)).toBe(true);
  });

  it('re-exports it, and every error class the package exports extends it with a brand of its own', () => {
    expect(api.BeyondNtpError).toBe(BeyondNtpError);
    expect(reExport.BeyondNtpError).toBe(BeyondNtpError);
    const errorClasses = Object.entries<unknown>(api).filter(
      (entry): entry is [string, typeof BeyondNtpError] =>
        typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
    );
    expect(errorClasses.map(([name]) => name).sort()).toEqual(
      ['BeyondNtpError', ...Object.keys(classes)].sort(),
    );
    const brands = errorClasses.map(([name, cls]) => {
      expect(cls.prototype instanceof BeyondNtpError || cls === BeyondNtpError, name).toBe(true);
      expect(Object.hasOwn(cls, 'brand'), name).toBe(true);
      const { brand } = cls;
      expect(Symbol.keyFor(brand), name).toBe(
        name === 'BeyondNtpError' ? '@beyond-ntp/BeyondNtpError' : `@beyond-ntp/transformer-core/${name}`,
      );
      return brand;
    });
    expect(new Set(brands).size).toBe(brands.length);
  });
});
