import { expect, it } from 'vitest';
import { runMarkdownExamples } from '../../../../test/readme-examples.js';

it('the example of docs/checkpoints.md trains, then loads the model of the run directory', async () => {
  const logs = await runMarkdownExamples(
    new URL('../../../../docs/checkpoints.md', import.meta.url),
    new URL('../..', import.meta.url),
  );
  expect(logs).toEqual([
    'same logits as the trained model: true',
    'step 2: 12 weights, 36 optimizer tensors',
  ]);
});
