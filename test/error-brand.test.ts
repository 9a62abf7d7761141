import { BeyondNtpError } from '@beyond-ntp/errors';
import { describe, expect, it } from 'vitest';
import { KitError } from '../examples/kit/src/errors.js';
import { BackendUnavailableError } from '../packages/runtime/src/errors.js';
import { SynthTasksError } from '../packages/synth-tasks/src/errors.js';
import { TargetReorderError } from '../packages/target-reorder-mi/src/errors.js';
import { TokenizerError } from '../packages/tokenizer/src/errors.js';
import { ConfigError } from '../packages/transformer-core/src/errors.js';

// Every package's errors extend BeyondNtpError from @beyond-ntp/errors, the dependency-free package even the
// leaves (runtime, tokenizer, synth-tasks, target-reorder-mi) may depend on, so one check recognises an error
// from any package.
describe('one error base class across packages', () => {
  const errors = [
    new BackendUnavailableError('no wasm'),
    new TokenizerError('INVALID_ID', 'id 7 is not in the vocabulary'),
    new SynthTasksError('INVALID_OPTIONS', 'count must be >= 1'),
    new TargetReorderError('INVALID_INPUT', 'answer', 'expected 4 digits'),
    new ConfigError('dModel', 'an integer in [1, 16384]', 0),
    new KitError('USAGE', '--seeds', 'needs a non-empty value'),
  ];

  it('BeyondNtpError.isInstance is true for the errors of every package, and gives their code', () => {
    const codes = errors.map((error) => (BeyondNtpError.isInstance(error) ? error.code : 'not recognised'));
    expect(codes).toEqual([
      'BACKEND_UNAVAILABLE',
      'INVALID_ID',
      'INVALID_OPTIONS',
      'INVALID_INPUT',
      'CONFIG_INVALID',
      'USAGE',
    ]);
    expect(errors.map((error) => error.name)).toEqual([
      'BackendUnavailableError',
      'TokenizerError',
      'SynthTasksError',
      'TargetReorderError',
      'ConfigError',
      'KitError',
    ]);
  });

  it('every error class extends the one BeyondNtpError: instanceof holds within one copy of the packages', () => {
    expect(errors.map((error) => error instanceof BeyondNtpError)).toEqual(errors.map(() => true));
    const parents = errors.map((error) => Object.getPrototypeOf(error.constructor));
    expect(parents.every((parent) => parent === BeyondNtpError)).toBe(true);
  });

  it('each package’s own isInstance still tells its errors apart', () => {
    const checks: Array<{ isInstance(error: unknown): boolean }> = [
      BackendUnavailableError,
      TokenizerError,
      SynthTasksError,
      TargetReorderError,
      ConfigError,
      KitError,
    ];
    const matrix = checks.map((cls) => errors.map((error) => cls.isInstance(error)));
    expect(matrix).toEqual(checks.map((_, i) => checks.map((__, j) => i === j)));
  });

  it('keeps each package’s fields and messages', () => {
    const fields = errors.map((error) => ('field' in error ? error.field : undefined));
    expect(fields).toEqual([undefined, undefined, undefined, 'answer', 'dModel', '--seeds']);
    expect(errors.map((error) => error.message)).toEqual([
      'no wasm',
      'id 7 is not in the vocabulary',
      'count must be >= 1',
      '`answer`: expected 4 digits',
      'invalid model config: `dModel` must be an integer in [1, 16384] (got 0)',
      '--seeds: needs a non-empty value',
    ]);
  });
});
