import type { TransformerModel } from '@beyond-ntp/transformer-core';
import { speculativeRun } from './decode.js';
import { checkOptions, type SpeculativeOptions } from './options.js';
import type { SpeculativeStats } from './stats.js';

/** One generated token of a {@link speculativeStream}. */
export interface TokenEvent {
  /** The prompt row it continues (0 for a single prompt). */
  row: number;
  /** Its index among the row's new tokens. */
  index: number;
  /** The token id. */
  token: number;
}

/**
 * The tokens of a speculative decoding call as they are produced: an async iterator of {@link TokenEvent}s,
 * in order within each row (the tokens one target forward gives every row come together, row by row). Its
 * return value, and `stats` at any time, are the call's stats so far. Ending it early (`break`, `return()`)
 * frees its KV caches.
 */
export type SpeculativeStream = AsyncGenerator<TokenEvent, SpeculativeStats, undefined> & {
  /** The stats so far (complete once the stream is done). */
  readonly stats: SpeculativeStats;
};

/**
 * Streams what `speculativeGenerate(model, prompt, options)` returns, token by token. The prompt and options are
 * checked at once; decoding starts at the first `next()`, one target forward at a time.
 *
 * @throws {SpecDecodeError} when the prompt or an option is invalid, as `speculativeGenerate` does.
 */
export function speculativeStream(
  model: TransformerModel,
  prompt: number[] | number[][],
  options: SpeculativeOptions,
): SpeculativeStream {
  const checked = checkOptions(model, prompt, options);
  const { iterations, stats } = speculativeRun(model, checked);
  const counts = checked.prompts.map(() => 0);
  async function* events(): AsyncGenerator<TokenEvent, SpeculativeStats, undefined> {
    // Leaving this loop early (the consumer's return()) closes `iterations`, whose finally frees the caches.
    for (const gained of iterations) {
      for (const [row, tokens] of gained.entries()) {
        for (const token of tokens) {
          const index = counts[row] ?? 0;
          counts[row] = index + 1;
          yield { row, index, token };
        }
      }
    }
    return stats.snapshot();
  }
  return Object.defineProperty(events(), 'stats', { get: () => stats.snapshot() }) as SpeculativeStream;
}
