import { describeValue, integerProblem } from '@beyond-ntp/errors';
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

/**
 * Thrown by `train` when an update, applied with a finite loss and gradient, left a parameter NaN or infinite (a
 * learning rate far too large, or corrupt optimizer moments). It is found before any checkpoint is written
 * from that state, so every checkpoint on disk holds finite weights: the newest one is the last good state.
 * The parameters in memory are not finite; resume from the checkpoint instead of using them.
 */
export class NonFiniteUpdateError extends BeyondNtpError<'NON_FINITE_UPDATE'> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/transformer-core/NonFiniteUpdateError');
  /** The 1-based optimizer step whose update made the parameters non-finite. */
  readonly step: number;
  /** The learning rate of that update. */
  readonly learningRate: number;

  constructor(step: number, learningRate: number) {
    super(
      'NON_FINITE_UPDATE',
      `the update of step ${step} (learning rate ${learningRate}) left parameters that are not finite, with a ` +
        'finite loss and gradient norm; no checkpoint holds them, so the newest checkpoint is the last good ' +
        'state, but the parameters in memory are unusable. Lower the learning rate, or resume from the checkpoint.',
    );
    this.step = step;
    this.learningRate = learningRate;
  }
}

/**
 * `options` when it is an options object (or `undefined`, read as `{}`); otherwise an
 * {@link InvalidTrainingArgumentError} naming `field`, instead of a TypeError from reading fields of `null`.
 */
export function checkOptions<T extends object>(field: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidTrainingArgumentError(
      field,
      `expected an options object, got ${describeValue(options)}`,
    );
  }
  return options;
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
    throw new InvalidTrainingArgumentError(
      field,
      `expected a finite number ${range}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Throws an {@link InvalidTrainingArgumentError} unless `value` is an integer in `[min, max]` (by default any
 * safe integer `>= min`: counts beyond 2^53 are not exact).
 */
export function checkInteger(
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const problem = integerProblem(value, { min, max });
  if (problem !== undefined) throw new InvalidTrainingArgumentError(field, problem);
  return value as number;
}
