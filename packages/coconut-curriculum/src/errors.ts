import { BeyondNtpError, integerProblem } from '@beyond-ntp/errors';

/** What went wrong in a {@link CoconutError}. */
export type CoconutErrorCode = 'INVALID_EXAMPLE' | 'INVALID_OPTION' | 'INVALID_BATCH';

/**
 * Thrown when an example, an option or a batch cannot be used: `INVALID_EXAMPLE` for a malformed
 * `{ question, steps, answer }`, `INVALID_OPTION` for an option out of range, `INVALID_BATCH` for token rows whose
 * latent slots the continuous-thought forward cannot schedule. `field` names the argument at fault and the
 * message says how to fix it.
 */
export class CoconutError extends BeyondNtpError<CoconutErrorCode> {
  /** Brand read by {@link CoconutError.isInstance}; survives duplicate ESM/CJS copies of the package. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/coconut-curriculum/CoconutError');
  /** The option or argument at fault, e.g. `maxLatentStage` or `examples[3].steps`. */
  readonly field: string;

  constructor(code: CoconutErrorCode, field: string, message: string) {
    super(code, `${field}: ${message}`);
    this.field = field;
  }
}

/** @internal Throws `INVALID_OPTION` for `field` unless `value` is an integer ≥ `min`. */
export function checkInteger(field: string, value: unknown, min: number): number {
  const problem = integerProblem(value, { min });
  if (problem !== undefined) throw new CoconutError('INVALID_OPTION', field, problem);
  return value as number;
}
