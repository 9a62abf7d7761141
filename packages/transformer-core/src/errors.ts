const CONFIG_MARKER = Symbol.for('@beyond-ntp/transformer-core/ConfigError');
const MODEL_MARKER = Symbol.for('@beyond-ntp/transformer-core/ModelError');

/**
 * Thrown by {@link parseModelConfig} (and so by `createModel`) when a config field is missing, has the wrong
 * type or lies outside its allowed range. The message names the field, the allowed values and what was given.
 */
export class ConfigError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'CONFIG_INVALID';
  /** Dotted path of the offending field, e.g. `heads.count`. */
  readonly field: string;
  /** Human-readable description of the allowed values, e.g. `an integer in [1, 4096]`. */
  readonly allowed: string;
  /** Brand checked by {@link ConfigError.isInstance}. */
  readonly [CONFIG_MARKER] = true;

  constructor(field: string, allowed: string, received: unknown) {
    super(`invalid model config: \`${field}\` must be ${allowed} (got ${describe(received)})`);
    this.name = 'ConfigError';
    this.field = field;
    this.allowed = allowed;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is ConfigError {
    return typeof error === 'object' && error !== null && CONFIG_MARKER in error;
  }
}

/** What went wrong in a {@link ModelError}. */
export type ModelErrorCode = 'INPUT_INVALID' | 'WEIGHTS_INVALID' | 'CACHE_INVALID';

/**
 * Thrown when a model is called with inputs it cannot use (wrong shape or dtype, too long for the context,
 * an out-of-range head index), when `loadWeights` gets missing, unknown or mis-shaped tensors, or when a KV
 * cache is used inconsistently. The message names the argument or tensor at fault.
 */
export class ModelError extends Error {
  /** Stable machine-readable code. */
  readonly code: ModelErrorCode;
  /** Brand checked by {@link ModelError.isInstance}. */
  readonly [MODEL_MARKER] = true;

  constructor(code: ModelErrorCode, message: string) {
    super(message);
    this.name = 'ModelError';
    this.code = code;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is ModelError {
    return typeof error === 'object' && error !== null && MODEL_MARKER in error;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
