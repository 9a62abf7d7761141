import type { CurvePoint, RunResult } from '../src/index.js';

/** A finished run with fixed provenance, for tests of reports and plots. */
export function fakeResult(args: {
  condition: string;
  seed: number;
  metrics: Record<string, number>;
  curves?: Record<string, CurvePoint[]>;
}): RunResult {
  return {
    id: `${args.condition}-seed${args.seed}`,
    condition: args.condition,
    seed: args.seed,
    mode: 'quick',
    config: { name: args.condition },
    units: 100,
    metrics: args.metrics,
    curves: args.curves ?? {},
    backend: 'wasm',
    git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false },
    command: 'tsx examples/toy/src/main.ts --quick',
    wallSeconds: 75,
    resumed: false,
    finishedAt: '2025-01-01T00:00:00.000Z',
  };
}
