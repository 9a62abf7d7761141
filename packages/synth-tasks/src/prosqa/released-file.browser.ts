// The browser build's released-file.ts: browsers have no file system.
import { NodeOnlyError } from '@beyond-ntp/errors';
import type * as files from './released-file.js';

export type { ReadReleasedProsQAOptions } from './released-file.js';

/** Rejects: browsers have no file system. */
export const readReleasedProsQA: typeof files.readReleasedProsQA = () =>
  Promise.reject(
    new NodeOnlyError({
      feature: 'readReleasedProsQA(options)',
      module: 'node:fs',
      instead: 'in a browser fetch the file’s text and call parseReleasedProsQA({ text, split })',
    }),
  );
