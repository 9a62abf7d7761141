import type { TransformerModel } from '@beyond-ntp/transformer-core';
import { speculativeRun } from './decode.js';
import { checkOptions, type SpeculativeOptions } from './options.js';
import type { SpeculativeStats } from './stats.js';

/** Result of {@link speculativeGenerate}: the new tokens (one row, or one per prompt row) and the call's stats. */
export interface SpeculativeResult<Tokens> {
  /** The generated tokens only (not the prompt); a row that hit a stop token ends with it. */
  tokens: Tokens;
  /** What the call did: forwards, tokens per forward, accepted lengths, wall time. */
  stats: SpeculativeStats;
}

/**
 * Continues one prompt (token ids) with speculative decoding: drafts from `options.drafter` (by default every
 * head of `model`), verified by head 0 of `model`. At temperature 0 the tokens equal `generate`'s token for token;
 * at temperature > 0 they are distributed exactly as `generate`'s (same `temperature`, `topK`, `topP`), though not
 * the same draws. No tensor outlives the call.
 *
 * @throws {SpecDecodeError} when the prompt or an option is invalid (the message names the field), or when the
 * prompt + maxNewTokens − 1 does not fit the context of the model or the draft model.
 */
export function speculativeGenerate(
  model: TransformerModel,
  prompt: number[],
  options: SpeculativeOptions,
): SpeculativeResult<number[]>;
/**
 * Continues a batch of prompts of any lengths (left-padded as `generate` pads them). All rows advance together:
 * each target forward commits, to every row, as many tokens as the row that accepted the fewest drafts gained
 * (rows that produced a stop token excepted), so batching trades tokens per forward for rows per forward.
 *
 * @throws {SpecDecodeError} as for one prompt; the context check applies to the longest row.
 */
export function speculativeGenerate(
  model: TransformerModel,
  prompt: number[][],
  options: SpeculativeOptions,
): SpeculativeResult<number[][]>;
export function speculativeGenerate(
  model: TransformerModel,
  prompt: number[] | number[][],
  options: SpeculativeOptions,
): SpeculativeResult<number[] | number[][]> {
  const checked = checkOptions(model, prompt, options);
  const { iterations, stats } = speculativeRun(model, checked);
  const rows = checked.prompts.map((): number[] => []);
  for (const gained of iterations) for (const [b, tokens] of gained.entries()) rows[b]?.push(...tokens);
  return { tokens: checked.single ? (rows[0] as number[]) : rows, stats: stats.snapshot() };
}
