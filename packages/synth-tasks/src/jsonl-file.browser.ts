// The browser build's jsonl-file.ts: browsers have no file system, so the file helpers refuse with a
// NodeOnlyError naming the in-memory call that does the same job.
import { NodeOnlyError } from '@beyond-ntp/errors';
import type * as files from './jsonl-file.js';

const nodeOnly = (feature: string, instead: string) =>
  Promise.reject(new NodeOnlyError({ feature, module: 'node:fs', instead }));

/** Rejects: browsers have no file system. */
export const checkWritable: typeof files.checkWritable = () =>
  nodeOnly(
    'checkWritable(file)',
    'in a browser keep the records in memory (toJsonl) instead of writing a file',
  );

/** Rejects: browsers have no file system. */
export const writeJsonl: typeof files.writeJsonl = () =>
  nodeOnly('writeJsonl(file, records)', 'in a browser call toJsonl(records) and store or download the text');

/** Rejects: browsers have no file system. */
export const readJsonl: typeof files.readJsonl = () =>
  nodeOnly('readJsonl(file)', 'in a browser fetch the file’s text and call parseJsonl(text)');
