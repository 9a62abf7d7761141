const MARKER = Symbol.for('@beyond-ntp/coconut-curriculum/CoconutError');

/** What went wrong in a {@link CoconutError}. */
export type CoconutErrorCode = 'INVALID_EXAMPLE' | 'INVALID_OPTION' | 'INVALID_BATCH';

/**
 * Thrown when an example, an option or a batch cannot be used: `INVALID_EXAMPLE` for a malformed
 * `{ question, steps, answer }`, `INVALID_OPTION` for an option out of range, `INVALID_BATCH` for token rows whose
 * latent slots the continuous-thought forward cannot schedule. `field` names the argument at fault and the
 * message says how to fix it.
 */
export class CoconutError extends Error {
  /** Stable machine-readable code. */
  readonly code: CoconutErrorCode;
  /** The option or argument at fault, e.g. `maxLatentStage` or `examples[3].steps`. */
  readonly field: string;
  /** Brand checked by {@link CoconutError.isInstance}. */
  readonly [MARKER] = true;

  constructor(code: CoconutErrorCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'CoconutError';
    this.code = code;
    this.field = field;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is CoconutError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

/** @internal Throws `INVALID_OPTION` for `field` unless `value` is an integer ≥ `min`. */
export function checkInteger(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new CoconutError('INVALID_OPTION', field, `must be an integer ≥ ${min} (got ${String(value)})`);
  }
  return value;
}
