const MARKER = Symbol.for('@beyond-ntp/transformer-core/CheckpointError');

/** What went wrong with a checkpoint: a file that is malformed, or nothing to load where one was expected. */
export type CheckpointErrorCode = 'CHECKPOINT_INVALID' | 'CHECKPOINT_NOT_FOUND' | 'CHECKPOINT_MISMATCH';

/**
 * Thrown when a checkpoint or safetensors file cannot be read or does not fit the parameters it is loaded into.
 * `file` names the file (or directory) concerned and the message says what is wrong with it.
 */
export class CheckpointError extends Error {
  /** Stable machine-readable code. */
  readonly code: CheckpointErrorCode;
  /** The file or directory the error is about. */
  readonly file: string;
  /** @internal Brand read by `isInstance`, shared by every copy of this package. */
  readonly [MARKER] = true;

  constructor(code: CheckpointErrorCode, file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'CheckpointError';
    this.code = code;
    this.file = file;
  }

  /** True for instances created by any copy of this package (ESM or CJS), unlike `instanceof`. */
  static isInstance(error: unknown): error is CheckpointError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
