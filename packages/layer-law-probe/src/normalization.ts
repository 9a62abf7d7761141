import { invalidOption, shown } from './errors.js';

/**
 * How each token's hidden state is normalised before the fit, on every layer except the last (which, in the
 * Hugging Face layout the authors use, already carries the model's trained final norm):
 * - `initialized-norm`: a freshly initialised copy of the model's final norm (weight 1, bias 0), the authors'
 *   default ("initialized-LN"): LayerNorm `(x − mean) / sqrt(var + eps)` or RMSNorm `x / sqrt(mean(x²) + eps)`
 *   over the d features of the token;
 * - `z-score`: `(x − mean) / std` over the d features (population std, no eps; a constant state becomes 0), the
 *   authors' "standardization" ablation;
 * - `none`: the states as given.
 */
export type Normalization =
  | {
      /** No normalisation. */
      kind: 'none';
    }
  | {
      /** A fresh copy of the final norm. */
      kind: 'initialized-norm';
      /** The final norm's type: `layernorm` (GPT-2, Pythia) or `rmsnorm` (Llama, Mistral). */
      norm: 'layernorm' | 'rmsnorm';
      /**
       * The norm's ε, as the model uses it.
       * @default 1e-5
       */
      eps?: number;
    }
  | {
      /** Per-token standardisation. */
      kind: 'z-score';
    };

/** The ε of {@link Normalization} `initialized-norm` when none is given: PyTorch's and transformer-core's. */
export const DEFAULT_NORM_EPS = 1e-5;

/** Validates a {@link Normalization} and returns it with its defaults filled (a plain JSON value). */
export function checkNormalization(value: unknown): Normalization {
  const field = 'normalization';
  if (typeof value !== 'object' || value === null || !('kind' in value)) {
    throw invalidOption(
      field,
      `must be { kind: 'initialized-norm' | 'z-score' | 'none', … } (got ${shown(value)})`,
    );
  }
  const { kind } = value;
  if (kind === 'none' || kind === 'z-score') return { kind };
  if (kind !== 'initialized-norm') {
    throw invalidOption(
      `${field}.kind`,
      `must be 'initialized-norm', 'z-score' or 'none' (got ${shown(kind)})`,
    );
  }
  const { norm, eps = DEFAULT_NORM_EPS } = value as { norm?: unknown; eps?: unknown };
  if (norm !== 'layernorm' && norm !== 'rmsnorm') {
    throw invalidOption(
      `${field}.norm`,
      `must be 'layernorm' or 'rmsnorm', the model's final norm (got ${shown(norm)})`,
    );
  }
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) {
    throw invalidOption(`${field}.eps`, `must be a finite number ≥ 0 (got ${shown(eps)})`);
  }
  return { kind, norm, eps };
}

/** Normalises the d values `row[offset … offset + d)` in place, in float64. */
export function normalizeRow(
  row: Float64Array,
  offset: number,
  d: number,
  normalization: Normalization,
): void {
  if (normalization.kind === 'none') return;
  const end = offset + d;
  let mean = 0;
  if (normalization.kind === 'z-score' || normalization.norm === 'layernorm') {
    for (let i = offset; i < end; i++) mean += row[i] as number;
    mean /= d;
  }
  // Second moment about the mean (about 0 for RMSNorm), in a second pass: no cancellation for large means.
  let square = 0;
  for (let i = offset; i < end; i++) square += ((row[i] as number) - mean) ** 2;
  square /= d;
  const denominator =
    normalization.kind === 'z-score'
      ? Math.sqrt(square) || 1
      : Math.sqrt(square + (normalization.eps ?? DEFAULT_NORM_EPS));
  for (let i = offset; i < end; i++) row[i] = ((row[i] as number) - mean) / denominator;
}
