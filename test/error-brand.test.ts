import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../packages/runtime/src/errors.js';
import { SynthTasksError } from '../packages/synth-tasks/src/errors.js';
import { TargetReorderError } from '../packages/target-reorder-mi/src/errors.js';
import { TokenizerError } from '../packages/tokenizer/src/errors.js';
import { BeyondNtpError } from '../packages/transformer-core/src/beyond-ntp-error.js';
import { ConfigError } from '../packages/transformer-core/src/errors.js';

// runtime, tokenizer, synth-tasks and target-reorder-mi do not depend on transformer-core; their errors follow BeyondNtpError's
// shape (a string `code`, the project brand) so one check recognises an error from any package.
describe('one error check across packages', () => {
  const errors = [
    new BackendUnavailableError('no wasm'),
    new TokenizerError('INVALID_ID', 'id 7 is not in the vocabulary'),
    new SynthTasksError('INVALID_OPTIONS', 'count must be >= 1'),
    new TargetReorderError('INVALID_INPUT', 'answer', 'expected 4 digits'),
    new ConfigError('dModel', 'an integer in [1, 16384]', 0),
  ];

  it('BeyondNtpError.isInstance is true for the errors of every package, and gives their code', () => {
    const codes = errors.map((error) => (BeyondNtpError.isInstance(error) ? error.code : 'not recognised'));
    expect(codes).toEqual([
      'BACKEND_UNAVAILABLE',
      'INVALID_ID',
      'INVALID_OPTIONS',
      'INVALID_INPUT',
      'CONFIG_INVALID',
    ]);
    expect(errors.map((error) => error.name)).toEqual([
      'BackendUnavailableError',
      'TokenizerError',
      'SynthTasksError',
      'TargetReorderError',
      'ConfigError',
    ]);
  });

  it('each package’s own isInstance still tells its errors apart', () => {
    const checks: Array<{ isInstance(error: unknown): boolean }> = [
      BackendUnavailableError,
      TokenizerError,
      SynthTasksError,
      TargetReorderError,
      ConfigError,
    ];
    const matrix = checks.map((cls) => errors.map((error) => cls.isInstance(error)));
    expect(matrix).toEqual(checks.map((_, i) => checks.map((__, j) => i === j)));
  });
});
