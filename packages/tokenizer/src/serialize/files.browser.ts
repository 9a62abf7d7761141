// The browser build's files.ts: browsers have no file system, so the file helpers refuse with a NodeOnlyError
// naming the in-memory call that does the same job on text the page fetched or the user picked.
import { NodeOnlyError } from '@beyond-ntp/errors';
import type * as files from './files.js';

export type { LoadGpt2FilesOptions } from './files.js';
export { MAX_TOKENIZER_FILE_BYTES } from './hf-json.js';

const nodeOnly = (feature: string, instead: string) =>
  Promise.reject(new NodeOnlyError({ feature, module: 'node:fs', instead }));

/** Rejects: browsers have no file system. */
export const loadTokenizer: typeof files.loadTokenizer = () =>
  nodeOnly('loadTokenizer(path)', 'in a browser fetch the tokenizer.json text and call fromHfJson(text)');

/** Rejects: browsers have no file system. */
export const saveTokenizer: typeof files.saveTokenizer = () =>
  nodeOnly(
    'saveTokenizer(tokenizer, path)',
    'in a browser call JSON.stringify(toHfJson(tokenizer)) and store or download the text',
  );

/** Rejects: browsers have no file system. */
export const loadGpt2Files: typeof files.loadGpt2Files = () =>
  nodeOnly(
    'loadGpt2Files(options)',
    'in a browser fetch vocab.json and merges.txt and call fromGpt2Files({ vocab, merges })',
  );
