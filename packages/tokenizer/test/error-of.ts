import { TokenizerError } from '../src/errors.js';

/** Runs `run` and returns the `TokenizerError` it throws; fails the test if it throws nothing or another error. */
export function errorOf(run: () => unknown): TokenizerError {
  try {
    run();
  } catch (error) {
    if (TokenizerError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a TokenizerError');
}
