import { sampleToken } from '@beyond-ntp/transformer-core';

/** One row's drafts and what is needed to verify them (see {@link verifyDrafts}). */
export interface DraftVerification {
  /** Draft tokens `d_1 … d_f` (f ≥ 0), in order. */
  drafts: readonly number[];
  /** `q_i`: the distribution `d_i` was drawn from, one per draft. */
  proposals: readonly Float64Array[];
  /**
   * `p_i` for `i = 0 … f`: the target's distribution of the token after the i-th verified position (`p_0` follows
   * the last token before the drafts, `p_i` follows `d_i`). Called lazily, each index at most once.
   */
  target: (i: number) => Float64Array;
  /** Uniform numbers in [0, 1): one per accept/reject decision, one for the token drawn at the end. */
  random: () => number;
}

/**
 * The speculative sampling rule (Leviathan et al. 2023, Algorithm 1; Chen et al. 2023): the tokens one target
 * forward emits for one row, `[d_1, …, d_a, t]` with `0 ≤ a ≤ f` accepted drafts and one more token `t`.
 *
 * For `i = 1 … f` in turn, `d_i` is accepted when `u < p_{i−1}(d_i) / q_i(d_i)`, i.e. with probability
 * `min(1, p/q)`. At the first rejection `t` is drawn from the residual `(p_{i−1} − q_i)⁺ / Σ (p_{i−1} − q_i)⁺`
 * and the rest are dropped; if every draft is accepted, `t` is drawn from `p_f` (the bonus token).
 *
 * Every emitted token is distributed exactly as the target's: with `p`, `q` at one position,
 * `P(x) = q(x)·min(1, p(x)/q(x)) + (1 − Σ_y min(p(y), q(y))) · (p(x) − q(x))⁺ / Σ_y (p(y) − q(y))⁺
 *       = min(p(x), q(x)) + (p(x) − q(x))⁺ = p(x)`,
 * since `Σ_y (p − q)⁺ = 1 − Σ_y min(p, q)`. Greedy decoding is the case τ = 0: `p` and `q` are one-hot, a draft is
 * accepted exactly when it is the target's argmax, and the residual is `p` itself.
 *
 * When rounding leaves no positive residual (`p` and `q` equal up to float error, where a rejection has
 * probability ~1e-16), `t` is drawn from `p`.
 */
export function verifyDrafts({ drafts, proposals, target, random }: DraftVerification): number[] {
  const emitted: number[] = [];
  for (const [i, draft] of drafts.entries()) {
    const p = target(i);
    const q = proposals[i] as Float64Array;
    if (random() < (p[draft] ?? 0) / (q[draft] ?? 1)) {
      emitted.push(draft);
      continue;
    }
    emitted.push(sampleToken(residual(p, q), random()));
    return emitted;
  }
  emitted.push(sampleToken(target(drafts.length), random()));
  return emitted;
}

// (p − q)⁺, or p when rounding leaves nothing positive.
function residual(p: Float64Array, q: Float64Array): Float64Array {
  const r = p.map((pi, x) => Math.max(0, pi - (q[x] ?? 0)));
  return r.some((w) => w > 0) ? r : p;
}
