import { BeyondNtpError } from '../beyond-ntp-error.js';

/**
 * What went wrong in a {@link DataParallelError}:
 * - `REPLICA_MISMATCH`: a worker's parameters differ in names or shapes from the main thread's;
 * - `WORKER_FAILED`: a worker threw while building its replica or computing a shard's gradient, or died (then
 *   every later call fails at once with this code too: start a new `DataParallel`);
 * - `CLOSED`: the `DataParallel` was asked for gradients after `close()`;
 * - `NOT_A_WORKER`: `serveReplica` was called outside a worker thread started by `DataParallel`.
 */
export type DataParallelErrorCode = 'REPLICA_MISMATCH' | 'WORKER_FAILED' | 'CLOSED' | 'NOT_A_WORKER';

/**
 * Thrown by {@link DataParallel} and {@link serveReplica}. Invalid arguments (`workers`, the number of shards)
 * are `InvalidTrainingArgumentError`s instead, like every training option.
 */
export class DataParallelError extends BeyondNtpError<DataParallelErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/transformer-core/DataParallelError');
}

/**
 * @internal The main thread's error for a worker that failed with `error`: an error object cloned across the
 * thread boundary (its brand is lost, its `code` survives) or the message a worker posted.
 */
export function workerFailure(error: unknown): DataParallelError {
  const cloned =
    typeof error === 'object' && error !== null ? (error as { message?: unknown; code?: unknown }) : {};
  const message = typeof cloned.message === 'string' ? cloned.message : String(error);
  const code = cloned.code === 'REPLICA_MISMATCH' ? 'REPLICA_MISMATCH' : 'WORKER_FAILED';
  return new DataParallelError(code, `DataParallel worker: ${message}`, { cause: error });
}
