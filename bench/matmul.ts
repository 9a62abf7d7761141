import * as tf from '@tensorflow/tfjs-core';

/** Options for {@link matmulGflops}. */
export interface MatmulProbe {
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
  /** Timed repetitions; the fastest is reported. @default 10 */
  repeats?: number;
}

/**
 * Measures the active backend's peak matmul rate for one shape in GFLOP/s (2·m·k·n per product, fastest of
 * `repeats`: on a shared machine the median drifts with other load, the peak is what the backend can do, and
 * efficiencies against it are conservative). Benchmarks call it in the same process as the work they compare
 * against, so "efficiency" ratios never mix machines or days.
 */
export async function matmulGflops({
  m,
  k,
  n,
  transposeA = false,
  transposeB = false,
  repeats = 10,
}: MatmulProbe) {
  const a = tf.randomNormal(transposeA ? [k, m] : [m, k]);
  const b = tf.randomNormal(transposeB ? [n, k] : [k, n]);
  const run = async () => {
    const start = performance.now();
    const c = tf.matMul(a, b, transposeA, transposeB);
    await c.data();
    c.dispose();
    return performance.now() - start;
  };
  await run(); // warm-up: kernel setup, wasm memory growth
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await run());
  a.dispose();
  b.dispose();
  return (2 * m * k * n) / (Math.min(...times) * 1e6);
}
