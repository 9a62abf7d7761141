import type { ModelConfigInput } from '@beyond-ntp/transformer-core';
import { MultiTokenArgumentError } from './errors.js';

/** Options of {@link parameterMatched}. */
export interface ParameterMatchedOptions {
  /** The next-token baseline: `nLayers` blocks and one transformer head (its `heads` must be left out or count 1). */
  config: ModelConfigInput;
  /** Output heads n of the multi-token model, each one transformer block. */
  heads: number;
}

/**
 * The n-head model with as many parameters as a next-token baseline, by the paper's matching (Gloeckle et al.
 * 2024, §2): each of the n − 1 extra heads is one transformer block, so the shared trunk loses n − 1 blocks.
 * With transformer heads, transformer-core's `nLayers` counts head 0 as the last block on the next-token path,
 * so the result has `nLayers − (n − 1)` and `heads: { count: n, type: 'transformer' }`; every other field is
 * copied. Every prediction still passes through as many blocks as in the baseline, and the parameter count is the
 * baseline's exactly. n = 1 gives the baseline back.
 *
 * @throws {MultiTokenArgumentError} (`heads`) when n is not a positive integer or leaves no shared block
 * (n ≥ `nLayers`); (`config.heads`) when the baseline already has several heads or linear heads.
 */
export function parameterMatched(options: ParameterMatchedOptions): ModelConfigInput {
  const { config, heads } = options;
  if ((config.heads?.count ?? 1) !== 1 || (config.heads?.type ?? 'transformer') !== 'transformer') {
    throw new MultiTokenArgumentError(
      'config.heads',
      `the baseline must be a next-token model with one transformer head (got ${JSON.stringify(config.heads)})`,
    );
  }
  const { nLayers } = config;
  if (!Number.isInteger(heads) || heads < 1 || heads >= Math.max(nLayers, 2)) {
    throw new MultiTokenArgumentError(
      'heads',
      `must be an integer in 1..${Math.max(nLayers - 1, 1)}, so that at least one block stays shared by all ` +
        `heads of a ${nLayers}-block baseline (got ${heads})`,
    );
  }
  return {
    ...config,
    nLayers: nLayers - (heads - 1),
    heads: { ...config.heads, count: heads, type: 'transformer' },
  };
}
