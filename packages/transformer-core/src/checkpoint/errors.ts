import { BeyondNtpError } from '../beyond-ntp-error.js';

/**
 * What went wrong with a checkpoint: a file that is malformed, nothing to load where one was expected, tensors
 * that do not fit the model, a host the format cannot be read on (safetensors is little-endian), a directory
 * another process is writing (`CHECKPOINT_LOCKED`) or that holds another run's checkpoints
 * (`CHECKPOINT_EXISTS`), or a write the file system refused (`CHECKPOINT_WRITE_FAILED`: full disk, read-only
 * or unwritable directory; the `cause` is the system error).
 */
export type CheckpointErrorCode =
  | 'CHECKPOINT_INVALID'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_MISMATCH'
  | 'CHECKPOINT_UNSUPPORTED'
  | 'CHECKPOINT_LOCKED'
  | 'CHECKPOINT_EXISTS'
  | 'CHECKPOINT_WRITE_FAILED';

/**
 * Thrown when a checkpoint or safetensors file cannot be read or does not fit the parameters it is loaded into.
 * `file` names the file (or directory) concerned and the message says what is wrong with it.
 */
export class CheckpointError extends BeyondNtpError<CheckpointErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/transformer-core/CheckpointError');
  /** The file or directory the error is about. */
  readonly file: string;

  constructor(code: CheckpointErrorCode, file: string, message: string, options?: ErrorOptions) {
    super(code, `${file}: ${message}`, options);
    this.file = file;
  }
}
