import type { Condition, Json, Mode } from '@beyond-ntp-examples/kit';
import { planFor } from './plan.js';
import type { ConditionConfig } from './run.js';

/** The next-token model: one output head. */
export const NEXT_TOKEN = 'next-token';
/** The 2-token-prediction model: the same next-token path plus a head for the token after next. */
export const TWO_TOKEN = '2-token';

/** Output heads of each condition. */
const HEADS: Record<string, number> = { [NEXT_TOKEN]: 1, [TWO_TOKEN]: 2 };

/** The conditions of a mode: quick probes the next-token model only (the cheapest robust signal). */
export function conditionNames(mode: Mode): string[] {
  return mode === 'quick' ? [NEXT_TOKEN] : [NEXT_TOKEN, TWO_TOKEN];
}

/**
 * The kit's conditions of a mode. A step of the 2-token model costs about 1.3× one of the next-token model
 * (one more transformer block and unembedding), measured with the budgets.
 */
export function conditionsFor(mode: Mode): Condition<Json>[] {
  const plan = planFor(mode);
  return conditionNames(mode).map((name) => {
    const config: ConditionConfig = { plan, heads: HEADS[name] as number };
    return {
      name,
      config: JSON.parse(JSON.stringify(config)) as Json,
      units: plan.steps,
      weight: name === TWO_TOKEN ? 1.3 : 1,
    };
  });
}
