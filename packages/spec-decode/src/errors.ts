const MARKER = Symbol.for('@beyond-ntp/spec-decode/SpecDecodeError');

/**
 * What went wrong, as a stable machine-readable code:
 * - `INVALID_OPTION`: an option is missing, has the wrong type or is out of range (`field` names it, e.g.
 *   `maxNewTokens` or `drafter.heads`);
 * - `INVALID_PROMPT`: the prompt is empty, holds an id outside the vocabulary, or does not fit the context;
 * - `DRAFT_MODEL_MISMATCH`: the draft model cannot draft for the target (another vocabulary, a shorter context).
 */
export type SpecDecodeErrorCode = 'INVALID_OPTION' | 'INVALID_PROMPT' | 'DRAFT_MODEL_MISMATCH';

/**
 * The one error class of this package. The message is written for people and names the field at fault;
 * `code` and `field` are for programs.
 */
export class SpecDecodeError extends Error {
  /** Stable machine-readable code. */
  readonly code: SpecDecodeErrorCode;
  /** The option or input at fault, e.g. `drafter.model` or `prompt[2]`. */
  readonly field: string;
  /** Brand read by {@link SpecDecodeError.isInstance}; survives duplicate ESM/CJS copies of the package. */
  readonly [MARKER] = true;

  constructor(code: SpecDecodeErrorCode, field: string, message: string) {
    super(`\`${field}\`: ${message}`);
    this.name = 'SpecDecodeError';
    this.code = code;
    this.field = field;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is SpecDecodeError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
