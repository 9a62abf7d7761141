import { BeyondNtpError } from '@beyond-ntp/errors';

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
 * `code` and `field` are for programs. `TargetReorderError.isInstance(error)` works across duplicate ESM/CJS
 * copies of the package, unlike `instanceof`.
 */
export class TargetReorderError extends BeyondNtpError<TargetReorderErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/target-reorder-mi/TargetReorderError');
  /** The option, input or JSON path at fault, e.g. `samples[4].target` or `transform.kind`. */
  readonly field: string;

  /**
   * @param code - Stable machine-readable code.
   * @param field - The option, input or JSON path at fault; the message starts with it.
   * @param message - What is wrong with it.
   */
  constructor(code: TargetReorderErrorCode, field: string, message: string) {
    super(code, `\`${field}\`: ${message}`);
    this.field = field;
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
