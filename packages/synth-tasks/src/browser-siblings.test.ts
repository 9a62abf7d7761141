// The browser build's file helpers (tsup.base.ts, browserBuild): same exports, each refusing with a
// NodeOnlyError that names the in-memory call to use instead.
import { NodeOnlyError } from '@beyond-ntp/errors';
import { expect, it } from 'vitest';
import * as jsonlBrowser from './jsonl-file.browser.js';
import * as jsonl from './jsonl-file.js';
import * as releasedBrowser from './prosqa/released-file.browser.js';
import * as released from './prosqa/released-file.js';

const messageOf = (call: Promise<unknown>) =>
  call.then(
    () => 'resolved',
    (error) => (NodeOnlyError.isInstance(error) ? error.message : String(error)),
  );

it('have the exports of the Node modules, and each rejects with a NodeOnlyError naming the alternative', async () => {
  expect(Object.keys(jsonlBrowser).sort()).toEqual(Object.keys(jsonl).sort());
  expect(Object.keys(releasedBrowser).sort()).toEqual(Object.keys(released).sort());
  expect(
    await Promise.all([
      messageOf(jsonlBrowser.readJsonl('a.jsonl')),
      messageOf(jsonlBrowser.writeJsonl('a.jsonl', [])),
      messageOf(releasedBrowser.readReleasedProsQA({ file: 'prosqa_test.json' } as never)),
    ]),
  ).toEqual([
    'readJsonl(file) needs Node.js (node:fs), which this environment does not provide; in a browser fetch the file’s text and call parseJsonl(text).',
    'writeJsonl(file, records) needs Node.js (node:fs), which this environment does not provide; in a browser call toJsonl(records) and store or download the text.',
    'readReleasedProsQA(options) needs Node.js (node:fs), which this environment does not provide; in a browser fetch the file’s text and call parseReleasedProsQA({ text, split }).',
  ]);
});
