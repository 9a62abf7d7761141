const MARKER = Symbol.for('@beyond-ntp/target-reorder-mi/TargetReorderError');
// The shared brand of `BeyondNtpError` (@beyond-ntp/transformer-core/src/beyond-ntp-error.ts).
const PROJECT_BRAND = Symbol.for('@beyond-ntp/BeyondNtpError');

/**
 * What went wrong, as a stable machine-readable code:
 * - `INVALID_OPTION`: an option of an estimator, table, order or transform constructor is missing, has the
 *   wrong type or is out of range (`field` names it, e.g. `weights[3]` or `samples[2].target`);
 * - `INVALID_INPUT`: `apply` or `invert` got a value the transform cannot map (wrong width, a non-digit, an
 *   unknown or repeated label, a malformed sentence), `field` names it, e.g. `answer` or `labels[1]`;
 * - `INVALID_JSON`: a serialised transform is not valid JSON or does not describe a transform (`field` is its
 *   path, e.g. `transform.order.positions[2]`).
 */
export type TargetReorderErrorCode = 'INVALID_OPTION' | 'INVALID_INPUT' | 'INVALID_JSON';

/**
 * The one error class of this package. The message is written for people and names the field at fault;
 * `code` and `field` are for programs.
 */
export class TargetReorderError extends Error {
  /** Stable machine-readable code. */
  readonly code: TargetReorderErrorCode;
  /** The option, input or JSON path at fault, e.g. `samples[4].target` or `transform.kind`. */
  readonly field: string;
  /** Brand read by {@link TargetReorderError.isInstance}; survives duplicate ESM/CJS copies of the package. */
  readonly [MARKER] = true;
  /**
   * The brand every beyond-ntp error carries, so `BeyondNtpError.isInstance` (from @beyond-ntp/transformer-core)
   * recognises this error too; this package stays free of that dependency.
   */
  readonly [PROJECT_BRAND] = true;

  constructor(code: TargetReorderErrorCode, field: string, message: string) {
    super(`\`${field}\`: ${message}`);
    this.name = 'TargetReorderError';
    this.code = code;
    this.field = field;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is TargetReorderError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

/** A bad option, named by its field. */
export function invalidOption(field: string, message: string): TargetReorderError {
  return new TargetReorderError('INVALID_OPTION', field, message);
}

/** A value `apply`/`invert` cannot map, named by its field. */
export function invalidInput(field: string, message: string): TargetReorderError {
  return new TargetReorderError('INVALID_INPUT', field, message);
}

/** Shows a received value in an error message: JSON when possible, truncated so messages stay readable. */
export function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
