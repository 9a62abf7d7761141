import { invalidOption, shown, type TargetReorderError } from '../errors.js';
import type { InformationEstimate } from '../estimators/information.js';
import type { DiscreteVariable } from '../estimators/variable.js';
import type { TargetData } from './target-data.js';

/**
 * What "the source" S is when scoring a target position t:
 * - `'whole'`: the whole input as one variable, I(S; t). When the target is a function of the input this is
 *   just H(t) (the digest's "trap"), because H(t | S) = 0;
 * - `{ token: j }`: the single source token at position j, I(s_j; t);
 * - `'sum'`: Σ_j I(s_j; t) over source positions;
 * - `'max'`: max_j I(s_j; t).
 *
 * None of these is known to be the paper's definition; they give different orders (see the README).
 */
export type SourceDefinition =
  | 'whole'
  | 'sum'
  | 'max'
  | {
      /** The source position j. */
      readonly token: number;
    };

/**
 * Checks a source definition against the data's source length (any position when `sourceLength` is not
 * known, as for a stored order); `field` names it in errors, which `fail` builds.
 */
export function checkSourceDefinition(
  source: unknown,
  field: string,
  sourceLength = Number.POSITIVE_INFINITY,
  fail: (field: string, message: string) => TargetReorderError = invalidOption,
): SourceDefinition {
  if (source === 'whole' || source === 'sum' || source === 'max') return source;
  if (typeof source === 'object' && source !== null && 'token' in source) {
    const j = (source as { token: unknown }).token;
    if (typeof j === 'number' && Number.isInteger(j) && j >= 0 && j < sourceLength) return { token: j };
    const range = Number.isFinite(sourceLength) ? `in 0..${sourceLength - 1}` : '(an integer >= 0)';
    throw fail(`${field}.token`, `must be a source position ${range} (got ${shown(j)})`);
  }
  throw fail(field, `must be 'whole', 'sum', 'max' or { token: j } (got ${shown(source)})`);
}

/** I(s_j; tᵢ | given) for every source position j. */
export function tokenScores(
  estimate: InformationEstimate,
  data: TargetData,
  i: number,
  given: readonly DiscreteVariable[],
): number[] {
  const t = [data.target[i] as DiscreteVariable];
  return data.source.map((s) => estimate.mutualInformation([s], t, given));
}

/** Σ_j or max_j of per-token scores (the max of no tokens is 0). */
export function combineTokenScores(scores: readonly number[], how: 'sum' | 'max'): number {
  if (how === 'sum') return scores.reduce((a, b) => a + b, 0);
  return scores.length > 0 ? Math.max(...scores) : 0;
}

/**
 * The score of target position `i` under `source`, conditioned on the already-emitted targets `given`
 * (empty for an unconditional score): I(S; tᵢ | given) with S per the definition.
 */
export function sourceScore(
  estimate: InformationEstimate,
  data: TargetData,
  source: SourceDefinition,
  i: number,
  given: readonly DiscreteVariable[],
): number {
  const t = [data.target[i] as DiscreteVariable];
  if (source === 'whole') return estimate.mutualInformation([data.wholeSource], t, given);
  if (typeof source === 'object') {
    return estimate.mutualInformation([data.source[source.token] as DiscreteVariable], t, given);
  }
  return combineTokenScores(tokenScores(estimate, data, i, given), source);
}

/** How a source definition reads in a report, e.g. `whole input` or `source token 3`. */
export function describeSource(source: SourceDefinition): string {
  if (source === 'whole') return 'whole input';
  if (source === 'sum') return 'sum over source tokens';
  if (source === 'max') return 'max over source tokens';
  return `source token ${source.token}`;
}
