import * as tf from '@tensorflow/tfjs-core';

/** Time spent in one kernel over a profiled call. */
export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
  /** Share of all kernel time in the profiled call. */
  share: number;
}

/**
 * Profiles one call with `tf.profile` and sums kernel time by kernel name, largest first, so a benchmark can
 * show where a step's time goes (and therefore what the next bottleneck is).
 */
export async function kernelProfile(fn: () => tf.TensorContainer, top = 8): Promise<KernelTime[]> {
  const info = await tf.profile(fn);
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0) || 1;
  return [...byKernel]
    .map(([kernel, e]) => ({ kernel, calls: e.calls, ms: e.ms, share: e.ms / total }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

/** `BatchMatMul 61% (412 ms, 24×) · Transpose 20% …` — one line for a markdown note. */
export function formatProfile(profile: KernelTime[]): string {
  return profile
    .map((k) => `${k.kernel} ${(k.share * 100).toFixed(0)}% (${k.ms.toFixed(0)} ms, ${k.calls}×)`)
    .join(' · ');
}
