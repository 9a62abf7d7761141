const MARKER = Symbol.for('@beyond-ntp/tokenizer/TokenizerError');
// The shared brand of `BeyondNtpError` (@beyond-ntp/transformer-core/src/beyond-ntp-error.ts).
const PROJECT_BRAND = Symbol.for('@beyond-ntp/BeyondNtpError');

/**
 * What went wrong, as a stable machine-readable code:
 * - `INVALID_OPTION`: an option is missing, has the wrong type or is out of range (`field` names it);
 * - `MALFORMED_FILE`: a tokenizer file cannot be parsed or is inconsistent (`file`, and `line` for merges);
 * - `UNSUPPORTED`: a well-formed tokenizer file uses a feature this package does not implement;
 * - `UNKNOWN_CHARACTER`: char-level encoding met a character outside the vocabulary and `<unk>` is off;
 * - `SPECIAL_TOKEN_IN_TEXT`: the text contains a special token and `specialTokens: 'reject'` was asked;
 * - `INVALID_ID`: `decode` got an id that is not in the vocabulary.
 */
export type TokenizerErrorCode =
  | 'INVALID_OPTION'
  | 'MALFORMED_FILE'
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
 * and the details are for programs.
 */
export class TokenizerError extends Error {
  /** Stable machine-readable code. */
  readonly code: TokenizerErrorCode;
  /** The option or file field at fault, if any. */
  readonly field: string | undefined;
  /** The file being read, if any. */
  readonly file: string | undefined;
  /** 1-based line in `file`, if known. */
  readonly line: number | undefined;
  /** Brand read by {@link TokenizerError.isInstance}; survives duplicate copies of the package. */
  readonly [MARKER] = true;
  /**
   * The brand every beyond-ntp error carries, so `BeyondNtpError.isInstance` (from @beyond-ntp/transformer-core)
   * recognises this error too; this package stays free of that dependency.
   */
  readonly [PROJECT_BRAND] = true;

  constructor(code: TokenizerErrorCode, message: string, details: TokenizerErrorDetails = {}) {
    super(message);
    this.name = 'TokenizerError';
    this.code = code;
    this.field = details.field;
    this.file = details.file;
    this.line = details.line;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is TokenizerError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

/** Shorthand for the most common error: a bad option, named by its field. */
export function invalidOption(field: string, message: string): TokenizerError {
  return new TokenizerError('INVALID_OPTION', `Invalid option \`${field}\`: ${message}`, { field });
}
