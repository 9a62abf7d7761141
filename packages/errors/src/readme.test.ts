import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README examples run and print what they say', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    'DraftError VOCAB_MISMATCH 3',
    'true false',
    'DraftError: draft token 3: id 50300 is outside the target vocabulary of 50257',
    'NODE_ONLY true',
    'batchSize: expected an integer >= 1, got 0',
    'expected an integer in [0, 3], got 2.5',
    'undefined',
    'config.json nests arrays and objects deeper than 64 levels (at character 64).',
    '{count: 10n, name: "xxxxxxxxxxxxxxxx…" …',
  ]);
});
