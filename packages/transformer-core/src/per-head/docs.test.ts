import { expect, it } from 'vitest';
import { runMarkdownExamples } from '../../../../test/readme-examples.js';

it('the example of docs/transformer-core.md runs and trains only the added head', async () => {
  const logs = await runMarkdownExamples(
    new URL('../../../../docs/transformer-core.md', import.meta.url),
    new URL('../..', import.meta.url),
  );
  expect(logs).toEqual(['2 head losses, gradients for 36 weights', 'only head 1: true']);
});
