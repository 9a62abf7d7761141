import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints what isInstance and the error say', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    'DraftError VOCAB_MISMATCH 3',
    'true false',
    'DraftError: draft token 3: id 50300 is outside the target vocabulary of 50257',
    'NODE_ONLY true',
  ]);
});
