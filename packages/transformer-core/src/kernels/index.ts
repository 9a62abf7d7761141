import { norm } from '../norm.js';
import { canFuseAttention, fusedCausalAttention } from './causal-attention.js';
import { embedLookup } from './embed-lookup.js';
import { canFuseGelu, fusedGelu } from './fused-gelu.js';
import { canFuseNorm, fusedNorm } from './fused-norm.js';
import { gelu } from './gelu.js';
import { linear } from './linear.js';
import { referenceEmbedLookup, referenceLinear } from './reference.js';

/**
 * Which implementation of the backend-sensitive ops a model uses: `fast` (custom gradients that train on every
 * backend and keep wasm on its fast matmul path) or `reference` (stock tfjs ops and gradients, for checking and
 * benchmarking the fast path). Both compute the same function.
 */
export type KernelMode = 'fast' | 'reference';

/** The backend-sensitive ops the model calls. */
export interface Kernels {
  /** `y = x · wᵀ` over the last axis, `w` in `[out, in]` layout. */
  linear: typeof linear;
  /** Rows of a `[V, d]` table at int32 ids `[N]`. */
  embedLookup: typeof embedLookup;
  /** GELU, tanh approximation. */
  gelu: typeof gelu;
  /** LayerNorm (with a bias) or RMSNorm (without) over the last axis. */
  norm: typeof norm;
  /**
   * Fused causal self-attention over whole sequences for this head width on the active backend, or `null`
   * where the kernel set has none (the model then runs stock tfjs ops).
   */
  fusedAttention: (headDim: number) => typeof fusedCausalAttention | null;
}

/** Both kernel sets, by mode. */
export const KERNELS: Readonly<Record<KernelMode, Kernels>> = {
  fast: {
    linear,
    embedLookup,
    gelu: (x) => (canFuseGelu(x) ? fusedGelu(x) : gelu(x)),
    norm: (x, p) => (canFuseNorm(x) ? fusedNorm(x, p) : norm(x, p)),
    fusedAttention: (headDim) => (canFuseAttention(headDim) ? fusedCausalAttention : null),
  },
  reference: {
    linear: referenceLinear,
    embedLookup: referenceEmbedLookup,
    gelu,
    norm,
    fusedAttention: () => null,
  },
};
