// The modules the browser build puts in place of the Node-only ones (tsup.base.ts, browserBuild): same exports,
// and every Node-only feature rejects with a NodeOnlyError saying what to use instead.
import { NodeOnlyError } from '@beyond-ntp/errors';
import { expect, it } from 'vitest';
import { thrown } from '../test/thrown.js';
import * as nodeFsBrowser from './node-fs.browser.js';
import * as nodeFs from './node-fs.js';
import { workerThreads } from './parallel/worker-threads.browser.js';
import * as terminal from './train/terminal.browser.js';

it('node-fs.browser keeps the path helpers and refuses the file system, naming the browser alternatives', async () => {
  expect(Object.keys(nodeFsBrowser).sort()).toEqual(Object.keys(nodeFs).sort());
  expect(nodeFsBrowser.joinPath).toBe(nodeFs.joinPath);
  const error = await thrown(NodeOnlyError, () => nodeFsBrowser.nodeFs());
  expect(error.code).toBe('NODE_ONLY');
  expect(error.message).toMatch(/^Reading and writing files \(saveModel, loadModel, saveCheckpoint, /);
  expect(error.message).toMatch(/saveModelToIndexedDB, loadModelFromIndexedDB\) or as a file \(modelToBlob/);
});

it('worker-threads.browser refuses DataParallel', async () => {
  const error = await thrown(NodeOnlyError, () => workerThreads());
  expect(error.feature).toBe('DataParallel and serveReplica');
});

it('terminal.browser writes progress lines to the console and refuses a terminal bar', async () => {
  const logged: string[] = [];
  const log = console.log;
  console.log = (line: string) => logged.push(line);
  try {
    terminal.defaultProgressStream().write('step 1/2 loss 1.0000\nstep 2/2 loss 0.5000\n');
  } finally {
    console.log = log;
  }
  expect(logged).toEqual(['step 1/2 loss 1.0000', 'step 2/2 loss 0.5000']);
  const error = await thrown(NodeOnlyError, () => terminal.loadCliProgress());
  expect(error.feature).toBe('progressReporter with a terminal stream (isTTY: true)');
});
