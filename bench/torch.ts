import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One line printed by bench/reference/torch_gpt_step.py. */
export interface TorchStep {
  impl: 'pytorch';
  torch: string;
  /** OpenBLAS threads (torch's own intra-op pool is 1). */
  threads: number;
  /** MLP activation of the reference model (`gelu` is GELU-tanh, as ours). */
  act: string;
  /** Whether glibc's malloc thresholds were raised (the best PyTorch this machine gives). */
  malloc_tuned: boolean;
  params: number;
  ms_per_step: number;
  tokens_per_s: number;
  gflops: number;
}

/** Shape of the reference GPT step (same meaning as the script's flags). */
export interface TorchShape {
  d: number;
  layers: number;
  heads: number;
  ctx: number;
  batch: number;
  vocab: number;
  threads?: number;
  steps?: number;
}

/** The two PyTorch settings every comparison is made against (see bench/reference/README.md). */
export type TorchSetting = 'default' | 'malloc-tuned';

const script = fileURLToPath(new URL('./reference/torch_gpt_step.py', import.meta.url));
// Debian's python3-torch lives in the system interpreter, which may not be the first python3 on PATH.
const pythons = ['/usr/bin/python3', 'python3'];

/**
 * Runs the PyTorch reference step on the same shape, in this run, so ratios are measured side by side.
 * Returns `{ skipped }` when no interpreter can `import torch` (setup: bench/reference/README.md).
 */
export function torchReference(shape: TorchShape, setting: TorchSetting): TorchStep | { skipped: string } {
  const args = Object.entries({ threads: 2, steps: 10, ...shape }).flatMap(([k, v]) => [`--${k}`, String(v)]);
  if (setting === 'malloc-tuned') args.push('--malloc-tuned');
  let lastError = 'no python3 found';
  for (const python of pythons) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    } catch {
      lastError = `${python} cannot import torch`;
      continue;
    }
    const out =
      execFileSync(python, [script, ...args], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1) ?? '';
    return JSON.parse(out) as TorchStep;
  }
  return { skipped: lastError };
}
