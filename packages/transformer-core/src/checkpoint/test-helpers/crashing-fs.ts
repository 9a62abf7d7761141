// Simulated crashes for the save tests: `node:fs/promises` whose `open` or `rename` fails at a chosen path, as
// a process killed there would stop. A test file mocks the module with
//   vi.mock('node:fs/promises', async (original) =>
//     (await import('./test-helpers/crashing-fs.js')).crashingFs(await original()));
// and sets `failAt` (empty strings: no crash). With `failAt.code` (e.g. 'ENOSPC') the failing `open` throws the
// system error a full disk gives instead of a crash.

/**
 * Where the next save stops: an `open` of a path containing `open`, a `rename` to a path ending in `rename`; and
 * the errno code the failing `open` reports, if any.
 */
export const failAt = { open: '', rename: '', code: '' };

/** `fs` with `open` and `rename` failing as `failAt` says. */
export function crashingFs(fs: typeof import('node:fs/promises')): typeof import('node:fs/promises') {
  return {
    ...fs,
    open: ((path: string, ...rest: unknown[]) => {
      if (failAt.open !== '' && String(path).includes(failAt.open)) {
        if (failAt.code === '') throw new Error('simulated crash (open)');
        const message = `${failAt.code}: simulated system error, open '${String(path)}'`;
        throw Object.assign(new Error(message), { code: failAt.code });
      }
      return (fs.open as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof fs.open,
    rename: (from, to) => {
      if (failAt.rename !== '' && String(to).endsWith(failAt.rename))
        throw new Error('simulated crash (rename)');
      return fs.rename(from, to);
    },
  };
}
