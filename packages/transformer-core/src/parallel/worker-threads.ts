// Node's worker_threads, loaded on first use. The browser build replaces this module with
// worker-threads.browser.ts, so a browser bundle never meets `node:worker_threads`.
/** `node:worker_threads`, imported lazily. */
export const workerThreads = (): Promise<typeof import('node:worker_threads')> =>
  import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
