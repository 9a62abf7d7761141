const MARKER = Symbol.for('@beyond-ntp/synth-tasks/SynthTasksError');
// The shared brand of `BeyondNtpError` (@beyond-ntp/transformer-core/src/beyond-ntp-error.ts).
const PROJECT_BRAND = Symbol.for('@beyond-ntp/BeyondNtpError');

/** Machine-readable reason carried by every {@link SynthTasksError}. */
export type SynthTasksErrorCode =
  /** An option is missing, has the wrong type or is outside its allowed range. */
  | 'INVALID_OPTIONS'
  /** A JSONL file or line is not a valid record. */
  | 'BAD_DATASET'
  /** A generator could not produce a record under the given options (e.g. a tokenizer with no 2-token names). */
  | 'GENERATION_FAILED'
  /** An expression or question text could not be parsed. */
  | 'PARSE_ERROR';

/**
 * The one error type thrown by this package. The message names the offending option, file and line, or text;
 * `code` tells the cases apart without parsing the message.
 */
export class SynthTasksError extends Error {
  /** Stable machine-readable code. */
  readonly code: SynthTasksErrorCode;
  /** Brand read by {@link SynthTasksError.isInstance}; survives duplicate ESM/CJS copies of the class. */
  readonly [MARKER] = true;
  /**
   * The brand every beyond-ntp error carries, so `BeyondNtpError.isInstance` (from @beyond-ntp/transformer-core)
   * recognises this error too; this package stays free of that dependency.
   */
  readonly [PROJECT_BRAND] = true;

  constructor(code: SynthTasksErrorCode, message: string) {
    super(message);
    this.name = 'SynthTasksError';
    this.code = code;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is SynthTasksError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
