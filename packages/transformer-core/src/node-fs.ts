// Node's file system, loaded on first use and marked for bundlers to leave alone: only checkpoints and the
// metrics log touch files, and a browser bundle of this package must build without `node:` modules.
/** `node:fs/promises`, imported lazily. */
export const nodeFs = (): Promise<typeof import('node:fs/promises')> =>
  import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');

/** This machine's host name (`node:os`, imported lazily), which a checkpoint lock records beside its pid. */
export const hostName = async (): Promise<string> =>
  (await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:os')).hostname();

/** Joins path segments with `/`, which Node accepts on every platform (no `node:path` import needed). */
export const joinPath = (...parts: string[]): string => parts.join('/');

/** The directory part of a path (everything before its last separator; `.` when there is none). */
export function parentDir(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : cut === 0 ? path.slice(0, 1) : '.';
}

/**
 * A rejection handler for a file operation: `value` when the file or directory does not exist (`ENOENT`), any
 * other error rethrown. `await fs.readFile(file).catch(ifMissing(undefined))` reads an optional file.
 */
export function ifMissing<T>(value: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return value;
    throw error;
  };
}
