import * as tf from '@tensorflow/tfjs-core';
import { median } from './harness.js';

/** Options for {@link matmulGflops}. */
export interface MatmulProbe {
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
  /** Timed repetitions; the median is reported. @default 5 */
  repeats?: number;
}

/**
 * Measures the active backend's matmul rate for one shape in GFLOP/s (2·m·k·n per product). Benchmarks call it
 * in the same process as the work they compare against, so "efficiency" ratios never mix machines or days.
 */
export async function matmulGflops({
  m,
  k,
  n,
  transposeA = false,
  transposeB = false,
  repeats = 5,
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
  return (2 * m * k * n) / (median(times) * 1e6);
}
