import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const child = fileURLToPath(new URL('../test/no-backend-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

it('creating a model before any backend is registered says to call initBackend', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { cwd: root });
  expect(stdout).toBe(
    'ModelError BACKEND_MISSING: no TensorFlow.js backend is registered: call `await initBackend()` from ' +
      '@beyond-ntp/runtime first (or import a backend package such as @tensorflow/tfjs-backend-cpu and ' +
      '`await tf.setBackend(...)`)\n',
  );
});
