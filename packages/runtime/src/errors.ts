const MARKER = Symbol.for('@beyond-ntp/runtime/BackendUnavailableError');
// The shared brand of `BeyondNtpError` (@beyond-ntp/transformer-core/src/beyond-ntp-error.ts).
const PROJECT_BRAND = Symbol.for('@beyond-ntp/BeyondNtpError');

/**
 * Thrown when a backend was forced (by option or `BNTP_BACKEND`) but cannot be used, or when the requested
 * backend name is not one of the known ones. The message says which package is missing and how to install it.
 */
export class BackendUnavailableError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'BACKEND_UNAVAILABLE';
  /** @internal Marks instances for {@link BackendUnavailableError.isInstance}. */
  readonly [MARKER] = true;
  /**
   * The brand every beyond-ntp error carries, so `BeyondNtpError.isInstance` (from @beyond-ntp/transformer-core)
   * recognises this error too; this package stays free of that dependency.
   */
  readonly [PROJECT_BRAND] = true;

  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is BackendUnavailableError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
