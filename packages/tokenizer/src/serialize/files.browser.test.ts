// The browser build's files.ts (tsup.base.ts, browserBuild): same exports, each refusing with a NodeOnlyError
// that names the in-memory call to use instead.
import { NodeOnlyError } from '@beyond-ntp/errors';
import { expect, it } from 'vitest';
import * as browser from './files.browser.js';
import * as node from './files.js';

it('has the exports of files.ts, and each rejects with a NodeOnlyError naming the alternative', async () => {
  expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  const messages = await Promise.all(
    [
      browser.loadTokenizer('t.json'),
      browser.saveTokenizer({} as never, 't.json'),
      browser.loadGpt2Files({ vocabPath: 'v', mergesPath: 'm' }),
    ].map((call) =>
      call.then(
        () => 'resolved',
        (error) => (NodeOnlyError.isInstance(error) ? error.message : String(error)),
      ),
    ),
  );
  expect(messages).toEqual([
    'loadTokenizer(path) needs Node.js (node:fs), which this environment does not provide; in a browser fetch the tokenizer.json text and call fromHfJson(text).',
    'saveTokenizer(tokenizer, path) needs Node.js (node:fs), which this environment does not provide; in a browser call JSON.stringify(toHfJson(tokenizer)) and store or download the text.',
    'loadGpt2Files(options) needs Node.js (node:fs), which this environment does not provide; in a browser fetch vocab.json and merges.txt and call fromGpt2Files({ vocab, merges }).',
  ]);
});
