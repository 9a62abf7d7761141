import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints the chosen backend', async () => {
  const logs = await runReadmeExamples(new URL('..', import.meta.url));
  expect(logs).toEqual([
    expect.stringMatching(/^backend: wasm \(@tensorflow\/tfjs-backend-wasm, SIMD (on|off)/),
    'wasm',
  ]);
});
