// The browser build's node-fs.ts: the same path helpers, and a file system that refuses with a NodeOnlyError
// naming what to use instead, so checkpoints, saveModel/loadModel and the metrics log fail clearly in a browser.
import { NodeOnlyError } from '@beyond-ntp/errors';

export * from './node-fs.js';

/** Rejects: browsers have no file system. */
export const nodeFs: typeof import('./node-fs.js').nodeFs = () =>
  Promise.reject(
    new NodeOnlyError({
      feature:
        'Reading and writing files (saveModel, loadModel, saveCheckpoint, loadCheckpoint, train({ checkpoint }), jsonlMetricsLog)',
      module: 'node:fs',
      instead:
        'in a browser keep a model in IndexedDB (saveModelToIndexedDB, loadModelFromIndexedDB) or as a file ' +
        '(modelToBlob, loadModelFromBlob), and train without the checkpoint option',
    }),
  );

/** Rejects: a browser page has no host name to lock checkpoint directories with (and no file system to lock). */
export const hostName: typeof import('./node-fs.js').hostName = () =>
  Promise.reject(
    new NodeOnlyError({
      feature: 'Locking a checkpoint directory',
      module: 'node:os',
      instead: 'train without the checkpoint option in a browser',
    }),
  );
