import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchContext, BenchReport } from '../../../bench/harness.js';
import { LayerProbe, type ProbeBatch } from '../src/index.js';

// Probe throughput and memory against the number of tokens N, for d = 128 and 256 on a 6-block model's 7
// hidden-state entries (the embedding output and six blocks), next-token target, initialized LayerNorm as the
// authors default to. The states are synthetic (seeded; a pool of batches is generated once and cycled), since
// the probe's cost does not depend on their values. Times cover `add` (normalisation, checks, the float64
// cross-product update) and `report` (one eigendecomposition per layer) separately. Memory is sampled after a
// forced GC at ten points of each stream: the live heap + array buffers above the level before the probe.

const LAYERS = 7;
const B = 32;
const T = 64;
const POOL = 4;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live heap + array buffers: after a full GC, and a turn of the event loop so freed buffers are released. */
async function liveBytes(): Promise<number> {
  for (let k = 0; k < 2; k++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Seeded batches of random states and ids (xorshift32; values in [-2, 2), ids in [0, 512)). */
function batchPool(d: number): ProbeBatch[] {
  let state = 2024 + d;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return Array.from({ length: POOL }, () => ({
    ids: Array.from({ length: B }, () => Array.from({ length: T }, () => Math.floor(next() * 512))),
    hiddenStates: Array.from({ length: LAYERS }, () =>
      Float32Array.from({ length: B * T * d }, () => 4 * next() - 2),
    ),
  }));
}

const MiB = 2 ** 20;

/**
 * One stream of about `target` tokens through a fresh probe. A function of its own, so that when it returns its
 * probe is unreachable: a loop body would keep the previous iteration's probe in a frame slot, and the next
 * baseline would count it.
 */
async function measure(d: number, pool: ProbeBatch[], target: number) {
  const batches = Math.ceil(target / (B * T));
  const before = await liveBytes();
  const probe = new LayerProbe({
    dModel: d,
    layers: LAYERS,
    normalization: { kind: 'initialized-norm', norm: 'layernorm' },
  });
  let addSeconds = 0;
  let peak = 0;
  for (let k = 0; k < batches; k++) {
    const start = performance.now();
    probe.add(pool[k % POOL] as ProbeBatch);
    addSeconds += (performance.now() - start) / 1000;
    if ((k + 1) % Math.max(1, Math.floor(batches / 10)) === 0 || k === batches - 1) {
      peak = Math.max(peak, (await liveBytes()) - before);
    }
  }
  const start = performance.now();
  const report = probe.report();
  const reportSeconds = (performance.now() - start) / 1000;
  const tokens = probe.positions;
  const flops = tokens * LAYERS * d * (d + 1); // the lower triangle of x·xᵀ: d(d+1)/2 multiply-adds per row
  return {
    d,
    layers: LAYERS,
    tokens,
    'tokens/s (all layers)': Math.round(tokens / addSeconds),
    'token-layers/s': Math.round((tokens * LAYERS) / addSeconds),
    'cross-product GFLOP/s': flops / addSeconds / 1e9,
    'add s': addSeconds,
    'report s': reportSeconds,
    'peak live MiB': peak / MiB,
    'statistics MiB (d² + 2d per layer)': (LAYERS * (d * d + 2 * d) * 8) / MiB,
    'N×d float32 per layer MiB (not held)': (tokens * d * LAYERS * 4) / MiB,
    'max RSS MiB (process so far)': process.resourceUsage().maxRSS / 1024,
    'PR last layer': report.targets.next?.pr[LAYERS - 1] ?? null,
  };
}

export default async function probeBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const sizes = quick ? [10_000, 40_000] : [10_000, 100_000, 1_000_000];
  const rows: BenchReport['rows'] = [];
  for (const d of [128, 256]) {
    const pool = batchPool(d);
    for (const target of sizes) {
      const row = await measure(d, pool, target);
      rows.push(row);
      log(
        `d=${d} N=${row.tokens}: ${row['tokens/s (all layers)']} tokens/s, peak live ${row['peak live MiB'].toFixed(1)} MiB`,
      );
    }
  }
  return {
    title: 'Layer-law probe: streaming throughput and memory against tokens N',
    rows,
    notes: [
      `${LAYERS} hidden-state entries (a 6-block model), batches of ${B}×${T} tokens, next-token target (T − 1 samples per sequence), initialized LayerNorm on all but the last entry; synthetic seeded states (a pool of ${POOL} batches, cycled).`,
      'tokens/s counts sample positions per second through all entries (`add`: checks, normalisation, the float64 d×d cross-product update); `report s` is the solve (one d×d eigendecomposition per entry) and is independent of N.',
      'peak live MiB: heap + array buffers after a forced GC, sampled at ten points of each stream, above the level before the probe; it includes the probe’s per-batch scratch rows (B·T·d float64). Flat in N is the claim; the N×d column is what holding every state, as the reference implementation does, would take.',
      'max RSS is the process peak so far (monotone over the rows), so it grows only if a larger N needs more memory.',
    ],
  };
}
