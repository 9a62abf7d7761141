import { BeyondNtpError } from '../beyond-ntp-error.js';

/**
 * Thrown when an argument of a training function is invalid. `field` names the offending option (for example
 * `schedule.warmupSteps` or `targets`) and the message says which values are allowed.
 */
export class InvalidTrainingArgumentError extends BeyondNtpError<'INVALID_TRAINING_ARGUMENT'> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for(
    '@beyond-ntp/transformer-core/InvalidTrainingArgumentError',
  );
  /** The option or argument that was rejected, as a dotted path. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('INVALID_TRAINING_ARGUMENT', `${field}: ${message}`);
    this.field = field;
  }
}

/**
 * Thrown by `train` when the training loss (or, with a finite loss, the gradient norm) of a step is NaN or
 * infinite. The update of
 * that step is not applied and no checkpoint is written for it, so the last checkpoint on disk is the last good
 * state.
 */
export class NonFiniteLossError extends BeyondNtpError<'NON_FINITE_LOSS'> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/transformer-core/NonFiniteLossError');
  /** The 1-based optimizer step whose loss was not finite. */
  readonly step: number;
  /** The loss value that was read (NaN, Infinity or -Infinity). */
  readonly loss: number;
  /** The pre-clip global gradient norm of that step. */
  readonly gradNorm: number;

  constructor(step: number, loss: number, gradNorm: number) {
    super(
      'NON_FINITE_LOSS',
      `${Number.isFinite(loss) ? 'gradient norm' : 'loss'} is not finite at step ${step} ` +
        `(loss ${loss}, gradient norm ${gradNorm}); ` +
        'the update was not applied and the last saved checkpoint is unchanged. ' +
        'Lower the learning rate, enable clipNorm, or check the batch for invalid targets.',
    );
    this.step = step;
    this.loss = loss;
    this.gradNorm = gradNorm;
  }
}

/** Throws an {@link InvalidTrainingArgumentError} unless `value` is a finite number in `[min, max]`. */
export function checkNumber(
  field: string,
  value: unknown,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new InvalidTrainingArgumentError(field, `expected a finite number ${range}, got ${String(value)}`);
  }
  return value;
}

/** Throws an {@link InvalidTrainingArgumentError} unless `value` is an integer `>= min`. */
export function checkInteger(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidTrainingArgumentError(field, `expected an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}
