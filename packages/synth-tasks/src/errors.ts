import { BeyondNtpError } from '@beyond-ntp/errors';

/** Machine-readable reason carried by every {@link SynthTasksError}. */
export type SynthTasksErrorCode =
  /** An option is missing, has the wrong type or is outside its allowed range. */
  | 'INVALID_OPTIONS'
  /** A JSONL file or line is not a valid record. */
  | 'BAD_DATASET'
  /** A generator could not produce a record under the given options (e.g. a tokenizer with no 2-token names). */
  | 'GENERATION_FAILED'
  /** An expression or question text could not be parsed. */
  | 'PARSE_ERROR'
  /** A file could not be read or written (the message names the file and the system's reason). */
  | 'IO_ERROR';

/**
 * The one error type thrown by this package. The message names the offending option, file and line, or text;
 * `code` tells the cases apart without parsing the message. `SynthTasksError.isInstance(error)` works across
 * duplicate ESM/CJS copies of the package, unlike `instanceof`.
 */
export class SynthTasksError extends BeyondNtpError<SynthTasksErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/synth-tasks/SynthTasksError');
}
