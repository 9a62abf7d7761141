const MARKER = Symbol.for('@beyond-ntp/runtime/BackendUnavailableError');

/**
 * Thrown when a backend was forced (by option or `BNTP_BACKEND`) but cannot be used, or when the requested
 * backend name is not one of the known ones. The message says which package is missing and how to install it.
 */
export class BackendUnavailableError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'BACKEND_UNAVAILABLE';
  /** @internal Marks instances for {@link BackendUnavailableError.isInstance}. */
  readonly [MARKER] = true;

  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is BackendUnavailableError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
