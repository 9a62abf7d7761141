import { describeValue } from './describe-value.js';

/** The integers {@link integerProblem} accepts. */
export interface IntegerRange {
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value. @default Number.MAX_SAFE_INTEGER (counts beyond 2^53 are not exact) */
  max?: number;
}

/**
 * What is wrong with `value` as an integer in `[min, max]`, phrased to follow a field name in an error message
 * (`expected an integer >= 1, got 2.5`), or undefined when nothing is. Each package throws its own error class
 * with it, so every package words a bad count the same way.
 */
export function integerProblem(value: unknown, range: IntegerRange): string | undefined {
  const { min, max = Number.MAX_SAFE_INTEGER } = range;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
  const allowed = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
  return `expected an integer ${allowed}, got ${describeValue(value)}`;
}
