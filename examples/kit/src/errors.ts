import { BeyondNtpError } from '@beyond-ntp/errors';

/**
 * What went wrong in a {@link KitError}:
 * - `USAGE`: a command-line flag is unknown, malformed or conflicts with another (the app prints it with a hint
 *   to `--help` and exits with status 2);
 * - `INVALID_EXPERIMENT`: the experiment definition or what its run function returned is unusable (a duplicate
 *   condition name, a config that is not JSON, a metric that is not a finite number, ...);
 * - `STALE_RUN`: the output directory holds a run of the same condition and seed made with a different config or
 *   mode, which can be neither skipped nor resumed;
 * - `INVALID_ARGUMENT`: a helper was called with values it cannot use (the mean of no values, a verdict on a
 *   metric no run reported).
 */
export type KitErrorCode = 'USAGE' | 'INVALID_EXPERIMENT' | 'STALE_RUN' | 'INVALID_ARGUMENT';

/**
 * The one error class of the experiment kit. `field` names the flag, option or file at fault and the message
 * says how to fix it. `KitError.isInstance(error)` works across copies of the kit, unlike `instanceof`, and
 * `BeyondNtpError.isInstance` recognises it as it does every beyond-ntp package's errors.
 */
export class KitError extends BeyondNtpError<KitErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp-examples/kit/KitError');
  /** The flag (`--seeds`), experiment field (`conditions[2].name`) or file at fault. */
  readonly field: string;

  constructor(code: KitErrorCode, field: string, message: string) {
    super(code, `${field}: ${message}`);
    this.field = field;
  }
}
