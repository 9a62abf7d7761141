import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README examples run and print what their comments say', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    '920 0.989 0.949 0.821 0.666 0.521',
    '0.018 0.079 0.224 0.389 0.534',
    'r = -0.994, ρ = 0.818, PR_4/PR_1 = 0.549',
    '<svg',
    '0 tensors left',
    'embed blocks.0 blocks.1 blocks.2 heads.0',
    'heads.0: PR 0.94 (null 0.96), held out 1.05',
  ]);
});
