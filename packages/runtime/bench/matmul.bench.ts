import type { BenchContext, BenchReport } from '../../../bench/harness.js';
import { matmulGflops } from '../../../bench/matmul.js';
import { initBackend } from '../src/index.js';

// The backend facts transformer-core's kernels are built around, measured fresh on this machine: wasm matmul
// is fast only without transpose flags and for a batch of one.
export default async function matmulBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const size = quick ? 256 : 512;
  const rows: BenchReport['rows'] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ backend });
    const shapes = [
      { label: 'NN', transposeA: false, transposeB: false },
      { label: 'NT (x·Wᵀ)', transposeA: false, transposeB: true },
      { label: 'TN (xᵀ·dy)', transposeA: true, transposeB: false },
    ];
    let nn = 0;
    for (const { label, ...flags } of shapes) {
      const gflops = await matmulGflops({
        m: size,
        k: size,
        n: size,
        ...flags,
        repeats: backend === 'cpu' ? 2 : 5,
      });
      if (label === 'NN') nn = gflops;
      rows.push({ backend, shape: `${size}×${size}×${size}`, layout: label, gflops, vsNN: gflops / nn });
      log(`${backend} ${label}: ${gflops.toFixed(2)} GFLOP/s`);
    }
  }
  return {
    title: 'Matmul rate by backend and transpose layout',
    rows,
    notes: ['vsNN: rate relative to the plain (no transpose flag) matmul on the same backend, same run.'],
  };
}
