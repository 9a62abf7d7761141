import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README examples run and print what the README says', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    '84*03=0252 79*58=4582 83*09=0747',
    'accuracy 1',
    '2 ops: ~ * 10216 22166=55226 true',
    'Sally is a quimpus. Every quimpus is a chorpus. Every chorpus is a terpus. Every terpus is a yerpus. Every yerpus is a boompus. → Sally is a boompus.',
    'correct_path',
    'nodes 23.0, edges 36.3, steps 3.88',
    'There once was a shy rabbit named Gyk. Not far away lived a ',
    'Gyk: 2 tokens, Choos: 2 tokens, Tenrou: 2 tokens',
    '13 induction targets',
    '1',
  ]);
});
