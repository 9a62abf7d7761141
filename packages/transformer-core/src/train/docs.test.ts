import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runReadmeExamples } from '../../../../test/readme-examples.js';

it('the example of docs/training.md runs, trains and checkpoints', async () => {
  // runReadmeExamples runs a README's ts blocks; give it the doc under that name, inside the package so the
  // example's imports resolve.
  const dir = new URL(`../../.tmp/docs-${process.pid}/`, import.meta.url);
  await mkdir(dir, { recursive: true });
  try {
    await copyFile(
      fileURLToPath(new URL('../../../../docs/training.md', import.meta.url)),
      new URL('README.md', dir),
    );
    const logs = await runReadmeExamples(dir);
    expect(logs).toEqual([
      'step 80, loss below 0.05: true',
      'checkpoint of step 80 holds head.weight, wte.weight',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
