/** How the next token is picked from a row of logits. */
export interface SamplingOptions {
  /** 0 = greedy (argmax); otherwise logits are divided by it before the softmax. */
  temperature: number;
  /** Keep only the k most likely tokens (undefined = all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus sampling; 1 = all). */
  topP: number;
}

/**
 * Picks a token id from `logits` (one position, length V). Greedy returns the first maximal index; otherwise
 * the temperature-scaled softmax is cut to the top-k, then the top-p nucleus, renormalised, and sampled with
 * one draw `u` in [0, 1) from `random`.
 */
export function pickToken(logits: Float32Array, options: SamplingOptions, random: () => number): number {
  if (options.temperature === 0) return argmax(logits);
  const order = Array.from(logits.keys()).sort((a, b) => (logits[b] ?? 0) - (logits[a] ?? 0) || a - b);
  const kept = order.slice(0, Math.min(options.topK ?? order.length, order.length));
  const maxLogit = logits[kept[0] ?? 0] ?? 0;
  const weights = kept.map((id) => Math.exp(((logits[id] ?? 0) - maxLogit) / options.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  // Nucleus: the shortest prefix (in decreasing probability) whose mass reaches topP; always at least one token.
  let mass = 0;
  let cut = 0;
  while (cut < weights.length && (cut === 0 || mass < options.topP * total)) mass += weights[cut++] ?? 0;
  const u = random() * mass;
  let acc = 0;
  for (let j = 0; j < cut; j++) {
    acc += weights[j] ?? 0;
    if (u < acc) return kept[j] ?? 0;
  }
  return kept[cut - 1] ?? 0;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}
