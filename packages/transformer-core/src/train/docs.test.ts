import { expect, it } from 'vitest';
import { runMarkdownExamples } from '../../../../test/readme-examples.js';

it('the examples of docs/training.md run, train, checkpoint, train on a text and spread a batch over threads', {
  timeout: 180_000,
}, async () => {
  const logs = await runMarkdownExamples(
    new URL('../../../../docs/training.md', import.meta.url),
    new URL('../..', import.meta.url),
  );
  expect(logs).toEqual([
    'step 80, loss below 0.05: true',
    'checkpoint of step 80 holds head.weight, wte.weight',
    'held-out loss below 0.3: true',
    'dog. the quick brown fox jump',
    "2 threads: loss below 0.01 true, as one thread's to 1e-5 true",
  ]);
});
