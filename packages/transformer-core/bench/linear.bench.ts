import { initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchContext, type BenchReport, median } from '../../../bench/harness.js';
import { linear } from '../src/kernels/linear.js';

// The `linear` kernel (plain 2-D matmuls only, see src/kernels/linear.ts) next to the stock matmul with
// `transposeB` it replaces, forward + backward on the shapes of one block (qkv, proj, fc), per backend.

async function medianMs(run: () => void, repeats: number): Promise<number> {
  run(); // warm-up: kernel setup, wasm memory growth
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

async function linearRows(d: number, positions: number, repeats: number) {
  const rows: BenchReport['rows'] = [];
  const x = tf.randomNormal([positions, d], 0, 1, 'float32', 4) as tf.Tensor2D;
  for (const out of [d, 3 * d, 4 * d]) {
    const w = tf.randomNormal([out, d], 0, 0.02, 'float32', 5) as tf.Tensor2D;
    const r = tf.randomNormal([positions, out], 0, 1, 'float32', 6);
    const timeGrads = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      medianMs(
        () =>
          tf.tidy(() => {
            const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)) as tf.Scalar)([
              x,
              w,
            ]);
            for (const g of grads) g.dataSync();
          }),
        repeats,
      );
    const ours = await timeGrads((a, b) => linear(a, b as tf.Tensor2D));
    const stock = await timeGrads((a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true));
    rows.push({
      table: 'linear forward + backward',
      backend: tf.getBackend(),
      shape: `[${positions}, ${d}] · [${out}, ${d}]ᵀ`,
      'ms (linear kernel)': ours,
      'ms (stock matMul, transposeB)': stock,
      speedup: stock / ours,
    });
    tf.dispose([w, r]);
  }
  x.dispose();
  return rows;
}

export default async function linearBench({ quick }: BenchContext): Promise<BenchReport> {
  const rows: BenchReport['rows'] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ backend });
    rows.push(...(await linearRows(128, 1024, quick || backend === 'cpu' ? 2 : 5)));
  }
  return { title: 'linear kernel vs stock transposed matmul (forward + backward)', rows };
}
