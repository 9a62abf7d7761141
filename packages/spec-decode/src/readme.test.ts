import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints what its comments say', async () => {
  expect(await runReadmeExamples(new URL('..', import.meta.url))).toEqual([
    'identical to generate: true',
    '20 tokens, 7 forwards, 2.86 per forward',
    'forwards that gained 1/2/3/4 tokens: 2/1/0/4',
    // How many drafts a sampled row keeps depends on its draws: 12 new tokens per row take 3 to 12 target
    // forwards, each preceded by at most 3 draft forwards.
    expect.stringMatching(/^rows of 12 and 12 tokens, ([3-9]|[1-3]\d) draft forwards$/),
    'streamed 29 4 4 4 4, the start of 29 4 4 4 4',
    '0 tensors left behind',
  ]);
});
