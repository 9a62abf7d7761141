import { BeyondNtpError } from '@beyond-ntp/errors';

/**
 * What went wrong, as a stable machine-readable code:
 * - `INVALID_OPTION`: an option is missing, has the wrong type or is out of range (`field` names it);
 * - `MALFORMED_FILE`: a tokenizer file cannot be parsed or is inconsistent (`file`, and `line` for merges);
 * - `NOT_FOUND`: a tokenizer file does not exist (`file`);
 * - `READ_FAILED` / `WRITE_FAILED`: the file system refused to read or write a file (`file`; the message gives
 *   the system's code, e.g. `EACCES`);
 * - `UNSUPPORTED`: a well-formed tokenizer file uses a feature this package does not implement;
 * - `UNKNOWN_CHARACTER`: char-level encoding met a character outside the vocabulary and `<unk>` is off;
 * - `SPECIAL_TOKEN_IN_TEXT`: the text contains a special token and `specialTokens: 'reject'` was asked;
 * - `INVALID_ID`: `decode` got an id that is not in the vocabulary.
 */
export type TokenizerErrorCode =
  | 'INVALID_OPTION'
  | 'MALFORMED_FILE'
  | 'NOT_FOUND'
  | 'READ_FAILED'
  | 'WRITE_FAILED'
  | 'UNSUPPORTED'
  | 'UNKNOWN_CHARACTER'
  | 'SPECIAL_TOKEN_IN_TEXT'
  | 'INVALID_ID';

/** Where an error was found, when it is about an option or a file. */
export interface TokenizerErrorDetails {
  /** The option or file field at fault, e.g. `vocabSize` or `model.merges`. */
  field?: string;
  /** The file (or source label) being read. */
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
}

/**
 * The one error class of this package. The message is written for people and says what to change; `code`
 * and the details are for programs. `TokenizerError.isInstance(error)` works across duplicate copies of the
 * package, unlike `instanceof`.
 */
export class TokenizerError extends BeyondNtpError<TokenizerErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/tokenizer/TokenizerError');
  /** The option or file field at fault, if any. */
  readonly field: string | undefined;
  /** The file being read, if any. */
  readonly file: string | undefined;
  /** 1-based line in `file`, if known. */
  readonly line: number | undefined;

  /**
   * @param code - Stable machine-readable code.
   * @param message - What is wrong and what to change.
   * @param details - Where: the field, file and line at fault.
   */
  constructor(code: TokenizerErrorCode, message: string, details: TokenizerErrorDetails = {}) {
    super(code, message);
    this.field = details.field;
    this.file = details.file;
    this.line = details.line;
  }
}

/** Shorthand for the most common error: a bad option, named by its field. */
export function invalidOption(field: string, message: string): TokenizerError {
  return new TokenizerError('INVALID_OPTION', `Invalid option \`${field}\`: ${message}`, { field });
}
