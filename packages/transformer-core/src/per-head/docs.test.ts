import { expect, it } from 'vitest';
import { runMarkdownExamples } from '../../../../test/readme-examples.js';

it('the example of docs/transformer-core.md runs and trains the added head through train()', async () => {
  const logs = await runMarkdownExamples(
    new URL('../../../../docs/transformer-core.md', import.meta.url),
    new URL('../..', import.meta.url),
  );
  expect(logs).toEqual([
    '2 head losses, gradients for 36 weights',
    'after 20 steps the summed loss fell: true',
  ]);
});
