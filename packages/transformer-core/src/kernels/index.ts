import { embedLookup } from './embed-lookup.js';
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
}

/** Both kernel sets, by mode. */
export const KERNELS: Readonly<Record<KernelMode, Kernels>> = {
  fast: { linear, embedLookup },
  reference: { linear: referenceLinear, embedLookup: referenceEmbedLookup },
};
