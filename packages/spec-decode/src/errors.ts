import { BeyondNtpError } from '@beyond-ntp/transformer-core';

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
export class SpecDecodeError extends BeyondNtpError<SpecDecodeErrorCode> {
  /** Brand read by {@link SpecDecodeError.isInstance}; survives duplicate ESM/CJS copies of the package. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/spec-decode/SpecDecodeError');
  /** The option or input at fault, e.g. `drafter.model` or `prompt[2]`. */
  readonly field: string;

  constructor(code: SpecDecodeErrorCode, field: string, message: string) {
    super(code, `\`${field}\`: ${message}`);
    this.field = field;
  }
}
