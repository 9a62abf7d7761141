import { copyFile, mkdir, rm } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../test/readme-examples.js';

it('the README example runs and prints what its comments say', async () => {
  // runReadmeExamples writes into, then deletes, `<dir>/.tmp`. This suite runs once per backend at the same
  // time, so each run gets its own copy of the README in its own directory.
  const dir = new URL(`../.tmp/readme-${process.pid}/`, import.meta.url);
  await mkdir(dir, { recursive: true });
  try {
    await copyFile(new URL('../README.md', import.meta.url), new URL('README.md', dir));
    expect(await runReadmeExamples(dir)).toEqual([
      '26432 parameters',
      '8 new tokens, 0 tensors left behind',
      '1×3×16, 1×3×16 | 4 hidden states',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
