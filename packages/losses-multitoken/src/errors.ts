import { BeyondNtpError } from '@beyond-ntp/transformer-core';

/**
 * Thrown when an argument of a multi-token function is invalid: a head list, per-head weights, a padding id, a
 * head arrangement, a batch of the wrong shape, or a base model that cannot take more heads. `field` names the
 * option (for example `weights` or `batch.mask`) and the message says which values are allowed.
 * `MultiTokenArgumentError.isInstance(e)` (and `BeyondNtpError.isInstance(e)`) recognise it across ESM and CJS
 * copies of the package.
 */
export class MultiTokenArgumentError extends BeyondNtpError<'INVALID_MULTI_TOKEN_ARGUMENT'> {
  /** Brand checked by `isInstance`. */
  static override readonly brand: symbol = Symbol.for(
    '@beyond-ntp/losses-multitoken/MultiTokenArgumentError',
  );
  /** The option or argument that was rejected, as a dotted path. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('INVALID_MULTI_TOKEN_ARGUMENT', `${field}: ${message}`);
    this.field = field;
  }
}
