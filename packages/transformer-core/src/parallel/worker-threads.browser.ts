// The browser build's worker-threads.ts: DataParallel and serveReplica run Node worker threads.
import { NodeOnlyError } from '@beyond-ntp/errors';

/** Rejects: browsers have no Node worker threads. */
export const workerThreads: typeof import('./worker-threads.js').workerThreads = () =>
  Promise.reject(
    new NodeOnlyError({
      feature: 'DataParallel and serveReplica',
      module: 'node:worker_threads',
      instead: 'in a browser train on the page’s own thread (train() without dataParallelGradients)',
    }),
  );
