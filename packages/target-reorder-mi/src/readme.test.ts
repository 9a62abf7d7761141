import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README examples run and print what the README says', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    '2.713 3.299 3.314 3.034',
    '1.194 0.152 0.072 1.353',
    'reverse: 3 2 1 0',
    'max-mi-greedy (sum over source tokens, exact): 3 0 1 2',
    'max-mi-chain (whole input, exact): 2 1 3 0',
    '4250 0245',
    '0245 max-mi-chain exact',
    '1.5 1.8607',
    '0 1',
    'home, food, music',
    'food, music, home',
    'dog the dog ran . cat the cat sat .',
    'the dog ran . the cat sat .',
  ]);
});
