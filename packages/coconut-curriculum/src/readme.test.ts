import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints what the README says', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    '"d>g a>d f>a ?f\\n<bot><latent><latent><eot>d>g\\n### g<eos>"',
    'rows with 0-3 thoughts: 4 passes, cached = naive: true',
    'stages by epoch: 0 0 1 1 2 2 3 3; 16 updates',
    '4 answers; thoughts among the counted tokens: 3',
    // What a model this small says after 16 updates differs by backend; the answer is what follows the last #.
    expect.stringMatching(/^answer of "(.*#)? *([^#]*?) *": "\2"$/),
    '8 letter values, together at most 1',
  ]);
});
