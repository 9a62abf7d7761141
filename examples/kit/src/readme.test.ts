import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs an experiment and reaches its verdict', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual(['reproduced', 'rate-0.01: n=3, rate-0.03: n=3']);
});
