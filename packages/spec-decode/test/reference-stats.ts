import { generate, type TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Drafter } from '../src/options.js';

/** The stats a greedy speculative call must report, worked out from its output alone. */
export interface ReferenceStats {
  target: number;
  draft: number;
  acceptedLengths: number[];
}

/**
 * The forwards and accepted lengths of greedy speculative decoding of one prompt, replayed from the greedy output
 * `output` (which the caller checked against `generate`) without the decoder's code: each iteration drafts
 * `count = min(available, M − n − 1)` tokens after the `n` tokens known so far and keeps the drafts that match
 * `output` up to the first mismatch, plus one token. Head drafts are the argmax of head j at the position before
 * the last known token (one full forward over prompt + output); a draft model's are its own greedy continuation
 * (`generate`).
 */
export function referenceStats(
  model: TransformerModel,
  prompt: number[],
  output: number[],
  drafter: Drafter,
): ReferenceStats {
  const sequence = [...prompt, ...output];
  const heads = 'heads' in drafter ? drafter.heads : 1;
  const argmax = tf.tidy(() =>
    model
      .forward([sequence], { heads: Array.from({ length: heads }, (_, i) => i) })
      .logits.map((l) => tf.argMax(l, -1).arraySync() as number[][]),
  );
  const stats: ReferenceStats = { target: 0, draft: 0, acceptedLengths: [] };
  for (let n = 0; n < output.length; ) {
    const known = sequence.slice(0, prompt.length + n);
    let drafts: number[];
    if ('heads' in drafter) {
      // Head j at the position that predicted the last known token; no drafts before the first forward.
      const position = known.length - 2;
      drafts =
        n === 0 ? [] : Array.from({ length: heads - 1 }, (_, j) => argmax[j + 1]?.[0]?.[position] as number);
    } else {
      const count = Math.min(drafter.tokens, output.length - n - 1);
      drafts = count === 0 ? [] : generate(drafter.model, known, { maxNewTokens: count, temperature: 0 });
      stats.draft += drafts.length;
    }
    drafts = drafts.slice(0, Math.max(0, output.length - n - 1));
    let accepted = 0;
    while (accepted < drafts.length && drafts[accepted] === output[n + accepted]) accepted++;
    stats.target += 1;
    stats.acceptedLengths[accepted + 1] = (stats.acceptedLengths[accepted + 1] ?? 0) + 1;
    n += accepted + 1;
  }
  return stats;
}
