import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example trains a 2-token model and adds heads to a next-token model, as it says', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    'head 0: accuracy 1.00 on 18 positions',
    'head 1: accuracy 1.00 on 15 positions',
    'trained heads 1 and 2; the next-token model is unchanged: true',
    'tensors left: 0',
  ]);
});
