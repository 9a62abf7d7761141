import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../packages/runtime/src/errors.js';
import { SynthTasksError } from '../packages/synth-tasks/src/errors.js';
import { TokenizerError } from '../packages/tokenizer/src/errors.js';
import { BeyondNtpError } from '../packages/transformer-core/src/beyond-ntp-error.js';
import { ConfigError } from '../packages/transformer-core/src/errors.js';

// runtime, tokenizer and synth-tasks do not depend on transformer-core; their errors follow BeyondNtpError's
// shape (a string `code`, the project brand) so one check recognises an error from any package.
describe('one error check across packages', () => {
  const errors = [
    new BackendUnavailableError('no wasm'),
    new TokenizerError('INVALID_ID', 'id 7 is not in the vocabulary'),
    new SynthTasksError('INVALID_OPTIONS', 'count must be >= 1'),
    new ConfigError('dModel', 'an integer in [1, 16384]', 0),
  ];

  it('BeyondNtpError.isInstance is true for the errors of every package, and gives their code', () => {
    const codes = errors.map((error) => (BeyondNtpError.isInstance(error) ? error.code : 'not recognised'));
    expect(codes).toEqual(['BACKEND_UNAVAILABLE', 'INVALID_ID', 'INVALID_OPTIONS', 'CONFIG_INVALID']);
    expect(errors.map((error) => error.name)).toEqual([
      'BackendUnavailableError',
      'TokenizerError',
      'SynthTasksError',
      'ConfigError',
    ]);
  });

  it('each package’s own isInstance still tells its errors apart', () => {
    const checks: Array<{ isInstance(error: unknown): boolean }> = [
      BackendUnavailableError,
      TokenizerError,
      SynthTasksError,
      ConfigError,
    ];
    const matrix = checks.map((cls) => errors.map((error) => cls.isInstance(error)));
    expect(matrix).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [false, false, true, false],
      [false, false, false, true],
    ]);
  });
});
