import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints what its comments say', async () => {
  expect(await runReadmeExamples(new URL('..', import.meta.url))).toEqual([
    '26432 parameters',
    '8 new tokens, 0 tensors left behind',
    '4 and 4 tokens',
    '1×3×16, 1×3×16 | embed blocks.0 blocks.1 heads.0 heads.1',
    'same logits: true',
    'CHECKPOINT_NOT_FOUND',
    '107656 bytes, same logits: true',
    'DraftError true false',
    'loss near ln 16 at initialisation: true',
    'per-token losses 2×4, gradients for 20 weights',
  ]);
});
