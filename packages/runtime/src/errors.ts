import { BeyondNtpError } from '@beyond-ntp/errors';

/**
 * Thrown when a backend was forced (by option or `BNTP_BACKEND`) but cannot be used, or when the requested
 * backend name is not one of the known ones. The message says which package is missing and how to install it.
 * `BackendUnavailableError.isInstance(error)` works across duplicate copies of the package, unlike `instanceof`.
 */
export class BackendUnavailableError extends BeyondNtpError<'BACKEND_UNAVAILABLE'> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/runtime/BackendUnavailableError');

  /** @param message - Which backend is unusable and how to install it. */
  constructor(message: string) {
    super('BACKEND_UNAVAILABLE', message);
  }
}
