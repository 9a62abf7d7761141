import { TargetReorderError } from '../src/errors.js';

/** Runs `run` and returns the `TargetReorderError` it throws; fails the test if it throws nothing or another error. */
export function errorOf(run: () => unknown): TargetReorderError {
  try {
    run();
  } catch (error) {
    if (TargetReorderError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a TargetReorderError');
}
