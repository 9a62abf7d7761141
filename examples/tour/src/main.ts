// The beyond-ntp tour: exercises each package briefly and says where its outputs are.
// `--smoke` runs the same steps at the smallest sizes (used by CI).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackend, initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';

const smoke = process.argv.includes('--smoke');
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function section(title: string): void {
  console.log(`\n== ${title}`);
}

section('runtime: backend selection');
const info = await initBackend();
for (const attempt of info.attempts.filter((a) => a.outcome !== 'selected')) {
  console.log(`  skipped ${attempt.packageName}: ${attempt.reason}`);
}
console.log(
  `  ${describeBackend(info)}${info.requested.source === 'env' ? ' (forced by BNTP_BACKEND)' : ''}`,
);
const size = smoke ? 64 : 256;
const a = tf.randomNormal([size, size], 0, 1, 'float32', 1);
const start = performance.now();
const checksum = tf.tidy(() => tf.sum(tf.matMul(a, a)).dataSync()[0]);
console.log(
  `  a ${size}×${size} matmul ran in ${(performance.now() - start).toFixed(1)} ms (checksum ${checksum?.toFixed(3)})`,
);
a.dispose();

section('packages in this workspace');
for (const dir of readdirSync(join(repoRoot, 'packages')).sort()) {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'));
  console.log(`  ${manifest.name}@${manifest.version} — ${manifest.description}`);
}
console.log('\nTour finished.');
