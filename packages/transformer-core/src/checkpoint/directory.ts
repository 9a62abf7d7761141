// Creating checkpoint directories and reporting failed writes so that the message is true and names the path:
// `mkdir -p` on a read-only or virtual file system reports ENOENT for a directory whose parent exists (and Node's
// recursive mkdir can spin forever on /proc), and a bare "ENOSPC … write" says neither which file nor which step.
import { nodeFs, parentDir } from '../node-fs.js';
import { CheckpointError } from './errors.js';

/**
 * Creates `dir` and any missing parents, one level at a time with the process umask applied (mode 0777 &
 * ~umask, as `mkdir` does). A level that cannot be created is reported with the existing parent that refused it.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const fs = await nodeFs();
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    const found = await fs.stat(existing).then(
      (stat) => stat,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw failure(error, existing, 'cannot use the directory');
      },
    );
    if (found !== undefined) {
      if (!found.isDirectory()) {
        throw new CheckpointError('CHECKPOINT_WRITE_FAILED', existing, 'exists but is not a directory');
      }
      break;
    }
    const parent = parentDir(existing);
    if (parent === existing) break;
    missing.push(existing);
    existing = parent;
  }
  for (const level of missing.reverse()) {
    await fs.mkdir(level).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      const reason =
        error.code === 'ENOENT'
          ? `its parent ${parentDir(level)} exists but refused a new directory (${error.code}): a read-only or virtual file system?`
          : `${error.message}`;
      throw new CheckpointError('CHECKPOINT_WRITE_FAILED', level, `cannot create the directory: ${reason}`, {
        cause: error,
      });
    });
  }
}

/** Whether `error` is a system error (it has an errno code such as `ENOSPC`), rather than a bug or a crash. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && !CheckpointError.isInstance(error);
}

/**
 * A `CHECKPOINT_WRITE_FAILED` error for a system error met while writing `path`, saying what was being done;
 * other errors are returned unchanged.
 */
export function failure(error: unknown, path: string, doing: string): unknown {
  if (!isSystemError(error)) return error;
  const hint = error.code === 'ENOSPC' ? ' (the disk is full; free space and resume)' : '';
  return new CheckpointError('CHECKPOINT_WRITE_FAILED', path, `${doing}: ${error.message}${hint}`, {
    cause: error,
  });
}

/** Runs `op`, turning a system error into {@link failure} of `path`. */
export async function writing<T>(path: string, doing: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    throw failure(error, path, doing);
  }
}
