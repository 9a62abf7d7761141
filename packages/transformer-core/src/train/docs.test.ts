import { expect, it } from 'vitest';
import { runMarkdownExamples } from '../../../../test/readme-examples.js';

it('the example of docs/training.md runs, trains and checkpoints', async () => {
  const logs = await runMarkdownExamples(
    new URL('../../../../docs/training.md', import.meta.url),
    new URL('../..', import.meta.url),
  );
  expect(logs).toEqual([
    'step 80, loss below 0.05: true',
    'checkpoint of step 80 holds head.weight, wte.weight',
  ]);
});
