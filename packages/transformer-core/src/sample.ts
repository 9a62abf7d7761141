import { describeValue } from '@beyond-ntp/errors';
import { invalidInput, optionsObject } from './input-checks.js';
import { mulberry32 } from './random.js';

/** How the next token is drawn from a row of logits (see {@link samplingDistribution}). */
export interface SamplingOptions {
  /**
   * Softmax temperature τ: logits are divided by it. 0 picks the most likely token (greedy decoding).
   * @default 1
   */
  temperature?: number;
  /**
   * Keep only the k most likely tokens (ties broken towards the lower id).
   * @default undefined (all tokens)
   */
  topK?: number;
  /**
   * Keep the smallest set of most likely tokens whose probability reaches p (nucleus sampling), after top-k.
   * @default 1 (all tokens)
   */
  topP?: number;
}

/**
 * The distribution the next token is drawn from, as `generate` draws it: a probability per token id (length V,
 * summing to 1, float64).
 *
 * With temperature τ > 0: `w_i = exp((l_i − max l) / τ)`; keep the k ids of largest `w` (ties: lower id first);
 * of those, keep the shortest prefix, in decreasing `w`, whose mass reaches `p · Σ kept w` (at least one id);
 * `π_i = w_i / Σ_{j kept} w_j` for kept ids, 0 elsewhere. With τ = 0: `π` is 1 at the first id of maximal logit.
 * A logit of −∞ gets probability 0.
 *
 * @throws {ModelError} (`INPUT_INVALID`) for an out-of-range option, an empty row, a NaN or +∞ logit, or a row
 * whose every logit is −∞.
 */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions = {}): Float64Array {
  checkSamplingOptions(options, 'samplingDistribution');
  const { temperature = 1, topK, topP = 1 } = options;
  const V = logits.length;
  let best = -1;
  for (let i = 0; i < V; i++) {
    const l = logits[i] ?? Number.NaN;
    if (Number.isNaN(l) || l === Number.POSITIVE_INFINITY)
      invalidInput(`samplingDistribution: logit ${i} is ${l}`);
    if (l > Number.NEGATIVE_INFINITY && (best < 0 || l > (logits[best] ?? 0))) best = i;
  }
  if (best < 0)
    invalidInput(`samplingDistribution: needs at least one finite logit (got ${V} logits, none finite)`);
  const probs = new Float64Array(V);
  if (temperature === 0) {
    probs[best] = 1;
    return probs;
  }
  const maxLogit = logits[best] ?? 0;
  for (let i = 0; i < V; i++) probs[i] = Math.exp(((logits[i] ?? 0) - maxLogit) / temperature);
  if ((topK === undefined || topK >= V) && topP === 1) return normalise(probs);
  // Most likely first, ties towards the lower id; one sorted order serves both cuts, so partial sums of the
  // nucleus are taken in the same order as the total they are compared with.
  const order = Array.from(probs.keys())
    .sort((a, b) => (probs[b] ?? 0) - (probs[a] ?? 0) || a - b)
    .slice(0, Math.min(topK ?? V, V));
  const total = order.reduce((sum, id) => sum + (probs[id] ?? 0), 0);
  let mass = 0;
  let kept = topP === 1 ? order.length : 0; // p = 1 keeps all, even tokens too light to change a float64 sum
  while (kept < order.length && (kept === 0 || mass < topP * total)) mass += probs[order[kept++] ?? 0] ?? 0;
  const filtered = new Float64Array(V);
  for (const id of order.slice(0, kept)) filtered[id] = probs[id] ?? 0;
  return normalise(filtered);
}

/**
 * The token id drawn from non-negative `weights` (a distribution, or any unnormalised one such as a speculative
 * decoder's residual `max(0, p − q)`) by one uniform number `u` in [0, 1): the first id whose cumulative weight
 * exceeds `u · Σ weights` (inverse-CDF sampling, in id order). Ids of weight 0 are never returned.
 *
 * @throws {ModelError} (`INPUT_INVALID`) when `u` is outside [0, 1) or the weights are negative, not finite or
 * all 0.
 */
export function sampleToken(weights: ArrayLike<number>, u: number): number {
  if (typeof u !== 'number' || !(u >= 0 && u < 1))
    invalidInput(`sampleToken: u must be in [0, 1) (got ${describeValue(u)})`);
  let total = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] ?? Number.NaN;
    if (!(w >= 0 && Number.isFinite(w)))
      invalidInput(`sampleToken: weight ${i} is ${w}; weights must be finite and ≥ 0`);
    total += w;
    if (w > 0) last = i;
  }
  if (last < 0) invalidInput('sampleToken: every weight is 0');
  const target = u * total;
  let cumulative = 0;
  for (let i = 0; i < last; i++) {
    cumulative += weights[i] ?? 0;
    if (cumulative > target) return i;
  }
  // Rounding can leave the cumulative sum just short of the total: the last positive weight takes the rest.
  return last;
}

/**
 * A seeded stream of uniform numbers in [0, 1) (Mulberry32; the same on every platform): the stream `generate`
 * draws row b's tokens from when given seed s (row b of a batch uses s + b unless seeds are given per row).
 */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

/** @internal Throws a `ModelError` naming the first out-of-range sampling option, prefixed by `where`. */
export function checkSamplingOptions(options: SamplingOptions, where: string): void {
  const { temperature = 1, topK, topP = 1 } = optionsObject(options, where);
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    invalidInput(`${where}: temperature must be a finite number ≥ 0 (got ${describeValue(temperature)})`);
  }
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    invalidInput(`${where}: topK must be an integer ≥ 1 (got ${describeValue(topK)})`);
  }
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1))
    invalidInput(`${where}: topP must be in (0, 1] (got ${describeValue(topP)})`);
}

function normalise(weights: Float64Array): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}
