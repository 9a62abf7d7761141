import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints what its comments say', async () => {
  expect(await runReadmeExamples(new URL('..', import.meta.url))).toEqual([
    '26432 parameters',
    '8 new tokens, 0 tensors left behind',
    '1×3×16, 1×3×16 | 4 hidden states',
  ]);
});
