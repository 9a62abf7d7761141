// One writer per checkpoint directory. Two runs saving into the same directory would replace each other's
// checkpoints (one then resumes from the other's weights) and remove each other's temporary files mid-save, so a
// writer holds `<dir>/.lock`, a file naming its pid and host, for as long as it writes; a second writer is
// refused. A lock whose process is gone (same host, pid not running) is stale and taken over.
import { hostName, joinPath as join, nodeFs } from '../node-fs.js';
import { failure, makeDirectory } from './directory.js';
import { CheckpointError } from './errors.js';
import { TEMP_PREFIX } from './files.js';

/** Name of the lock file inside a checkpoint directory. */
export const LOCK_FILE = '.lock';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

// Directories this process holds, by path as given: a save inside a locked run does not lock again.
const held = new Set<string>();

/** A held lock; {@link DirectoryLock.release} removes it (only if it is still this process's). */
export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Takes the lock of `dir` (created if missing): fails with `CHECKPOINT_LOCKED` when another live process, or
 * another writer in this process, holds it, and with `CHECKPOINT_WRITE_FAILED` when `dir` cannot be written, so
 * an unwritable directory is found before any training, not at the first save.
 */
export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  if (held.has(dir)) {
    throw new CheckpointError(
      'CHECKPOINT_LOCKED',
      dir,
      'another writer in this process holds this directory',
    );
  }
  await makeDirectory(dir);
  const fs = await nodeFs();
  const file = join(dir, LOCK_FILE);
  const host = await hostName();
  const owner: LockOwner = { pid: process.pid, host, since: new Date().toISOString() };
  // Written whole beside the lock, then linked into place: link fails if the lock exists, and a reader never sees
  // a half-written owner.
  const temp = join(dir, `${TEMP_PREFIX}lock-${process.pid}`);
  try {
    await fs.writeFile(temp, `${JSON.stringify(owner)}\n`);
    for (let attempt = 0; ; attempt++) {
      const linked = await fs.link(temp, file).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') return false;
          throw error;
        },
      );
      if (linked) break;
      const current = await readOwner(file);
      if (attempt > 0 || current === undefined || isAlive(current, host)) {
        throw new CheckpointError('CHECKPOINT_LOCKED', dir, lockedMessage(file, current));
      }
      await fs.rm(file, { force: true }); // stale: its process is gone
    }
  } catch (error) {
    throw failure(error, dir, 'cannot write to the checkpoint directory');
  } finally {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
  held.add(dir);
  return {
    async release() {
      held.delete(dir);
      const current = await readOwner(file);
      if (current?.pid === process.pid && current.host === owner.host && current.since === owner.since) {
        await fs.rm(file, { force: true });
      }
    },
  };
}

/** Runs `body` holding the lock of `dir`, unless this process already holds it. */
export async function withDirectoryLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  if (held.has(dir)) return body();
  const lock = await lockDirectory(dir);
  try {
    return await body();
  } finally {
    await lock.release();
  }
}

/** Whether the process that wrote a temporary entry (named `…-<pid>`) may still be using it. */
export function isLiveTemp(entry: string): boolean {
  const pid = /-(\d+)$/.exec(entry)?.[1];
  return pid !== undefined && Number(pid) !== process.pid && pidRunning(Number(pid));
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  const text = await (await nodeFs()).readFile(file, 'utf8').catch(() => undefined);
  try {
    const owner = JSON.parse(text ?? '') as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.since === 'string') {
      return owner as LockOwner;
    }
  } catch {
    // unreadable: treated as held, since it cannot be shown to be stale
  }
  return undefined;
}

// A lock of another host cannot be checked from here, so it counts as live.
function isAlive(owner: LockOwner, host: string): boolean {
  return owner.host !== host || pidRunning(owner.pid);
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

function lockedMessage(file: string, owner: LockOwner | undefined): string {
  const who =
    owner === undefined ? 'a process' : `process ${owner.pid} on ${owner.host} (since ${owner.since})`;
  return (
    `${who} is writing checkpoints here (lock file ${file}); two runs in one directory would overwrite each ` +
    'other. Use another checkpoint.dir, or wait for that run to end; if no such process exists, delete the lock file.'
  );
}
