import { BeyondNtpError, integerProblem } from '@beyond-ntp/errors';

/**
 * What went wrong, as a stable machine-readable code:
 * - `INVALID_OPTION`: an option is missing, has the wrong type or is out of range (`field` names it, e.g.
 *   `normalization.eps` or `targets[1]`);
 * - `INVALID_INPUT`: data handed to an accumulator, a probe or a fit does not fit its options or is not finite
 *   (`field` names it, e.g. `hiddenStates[3]` or `ids[0][5]`), or two probes that are compared do not match;
 * - `DEGENERATE_DATA`: the data leave the prediction residual undefined: fewer than two samples, or a target that
 *   never varies (its variance, the residual's denominator, is zero).
 */
export type LayerLawErrorCode = 'INVALID_OPTION' | 'INVALID_INPUT' | 'DEGENERATE_DATA';

/**
 * The one error class of this package. The message is written for people and names the field at fault;
 * `code` and `field` are for programs.
 */
export class LayerLawError extends BeyondNtpError<LayerLawErrorCode> {
  /** Brand read by {@link LayerLawError.isInstance}; survives duplicate ESM/CJS copies of the package. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/layer-law-probe/LayerLawError');
  /** The option or input at fault, e.g. `dModel`, `hiddenStates[2]` or `targets.next`. */
  readonly field: string;

  constructor(code: LayerLawErrorCode, field: string, message: string) {
    super(code, `\`${field}\`: ${message}`);
    this.field = field;
  }
}

/** A bad option, named by its field. */
export function invalidOption(field: string, message: string): LayerLawError {
  return new LayerLawError('INVALID_OPTION', field, message);
}

/** Bad data, named by its field. */
export function invalidInput(field: string, message: string): LayerLawError {
  return new LayerLawError('INVALID_INPUT', field, message);
}

/** Checks that `value` is an integer in [min, max]; the error names `field`. */
export function checkInteger(
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const problem = integerProblem(value, { min, max });
  if (problem !== undefined) throw invalidOption(field, problem);
  return value as number;
}

/** Shows a received value in an error message (numbers as written, so NaN and Infinity stay visible). */
export function shown(value: unknown): string {
  if (typeof value === 'number' || value === undefined) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
