const MARKER = Symbol.for('@beyond-ntp/losses-multitoken/MultiTokenArgumentError');

/**
 * Thrown when an argument of a multi-token function is invalid: a head list, per-head weights, a padding id, a
 * batch of the wrong shape, or a base model that cannot take more heads. `field` names the option (for example
 * `weights` or `batch.mask`) and the message says which values are allowed.
 */
export class MultiTokenArgumentError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'INVALID_MULTI_TOKEN_ARGUMENT';
  /** The option or argument that was rejected, as a dotted path. */
  readonly field: string;
  /** @internal Brand read by `isInstance`, shared by every copy of this package. */
  readonly [MARKER] = true;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'MultiTokenArgumentError';
    this.field = field;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is MultiTokenArgumentError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
