const INVALID_MARKER = Symbol.for('@beyond-ntp/transformer-core/InvalidTrainingArgumentError');
const NON_FINITE_MARKER = Symbol.for('@beyond-ntp/transformer-core/NonFiniteLossError');

/**
 * Thrown when an argument of a training function is invalid. `field` names the offending option (for example
 * `schedule.warmupSteps` or `targets`) and the message says which values are allowed.
 */
export class InvalidTrainingArgumentError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'INVALID_TRAINING_ARGUMENT';
  /** The option or argument that was rejected, as a dotted path. */
  readonly field: string;
  /** @internal Brand read by `isInstance`, shared by every copy of this package. */
  readonly [INVALID_MARKER] = true;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'InvalidTrainingArgumentError';
    this.field = field;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is InvalidTrainingArgumentError {
    return typeof error === 'object' && error !== null && INVALID_MARKER in error;
  }
}

/**
 * Thrown by `train` when the training loss (or, with a finite loss, the gradient norm) of a step is NaN or
 * infinite. The update of
 * that step is not applied and no checkpoint is written for it, so the last checkpoint on disk is the last good
 * state.
 */
export class NonFiniteLossError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'NON_FINITE_LOSS';
  /** The 1-based optimizer step whose loss was not finite. */
  readonly step: number;
  /** The loss value that was read (NaN, Infinity or -Infinity). */
  readonly loss: number;
  /** The pre-clip global gradient norm of that step. */
  readonly gradNorm: number;
  /** @internal Brand read by `isInstance`, shared by every copy of this package. */
  readonly [NON_FINITE_MARKER] = true;

  constructor(step: number, loss: number, gradNorm: number) {
    super(
      `${Number.isFinite(loss) ? 'gradient norm' : 'loss'} is not finite at step ${step} ` +
        `(loss ${loss}, gradient norm ${gradNorm}); ` +
        'the update was not applied and the last saved checkpoint is unchanged. ' +
        'Lower the learning rate, enable clipNorm, or check the batch for invalid targets.',
    );
    this.name = 'NonFiniteLossError';
    this.step = step;
    this.loss = loss;
    this.gradNorm = gradNorm;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is NonFiniteLossError {
    return typeof error === 'object' && error !== null && NON_FINITE_MARKER in error;
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
