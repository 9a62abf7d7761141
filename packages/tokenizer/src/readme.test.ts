import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints what its comments say', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    '<bos> the Ġcat Ġsat Ġon Ġthe Ġlog <eos>',
    'the cat sat on the log',
    '{"ids":[[261,272,0],[261,273,267]],"attentionMask":[[1,1,0],[1,1,1]]}',
    '261,275',
    '4,5,2,10,13,4,12 4,1',
    'true',
  ]);
});
