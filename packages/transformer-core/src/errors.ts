import { describeValue } from '@beyond-ntp/errors';
import { BeyondNtpError } from './beyond-ntp-error.js';

/** Where a {@link ConfigError} was found, when the config came from a file. */
export interface ConfigErrorOptions {
  /** The file the config was read from, e.g. `run/model/config.json`; prefixed to the message. */
  file?: string;
}

/**
 * Thrown by {@link parseModelConfig} (and so by `createModel` and `loadModel`) when a config field is missing,
 * has the wrong type or lies outside its allowed range. The message names the file (when there is one), the
 * field, the allowed values and what was given.
 */
export class ConfigError extends BeyondNtpError<'CONFIG_INVALID'> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/transformer-core/ConfigError');
  /** Dotted path of the offending field, e.g. `heads.count`. */
  readonly field: string;
  /** Human-readable description of the allowed values, e.g. `an integer in [1, 4096]`. */
  readonly allowed: string;
  /** The file the config was read from, if any. */
  readonly file: string | undefined;

  constructor(field: string, allowed: string, received: unknown, options: ConfigErrorOptions = {}) {
    const where = options.file === undefined ? '' : `${options.file}: `;
    super(
      'CONFIG_INVALID',
      `${where}invalid model config: \`${field}\` must be ${allowed} (got ${describeValue(received)})`,
    );
    this.field = field;
    this.allowed = allowed;
    this.file = options.file;
  }
}

/** What went wrong in a {@link ModelError}. */
export type ModelErrorCode = 'INPUT_INVALID' | 'WEIGHTS_INVALID' | 'CACHE_INVALID' | 'BACKEND_MISSING';

/**
 * Thrown when a model is called with inputs it cannot use (wrong shape or dtype, too long for the context,
 * an out-of-range head index), when `loadWeights` gets missing, unknown or mis-shaped tensors, when a KV
 * cache is used inconsistently, or when a model is created before any TensorFlow.js backend is registered
 * (`BACKEND_MISSING`). The message names the argument or tensor at fault.
 */
export class ModelError extends BeyondNtpError<ModelErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/transformer-core/ModelError');
}
