import { histogram, mean } from '../metrics.js';
import type { PolynomialRecord } from './record.js';

/** Summary of a polynomial dataset. */
export interface PolynomialStats {
  /** Number of records. */
  count: number;
  /** Records per number of operations m. */
  ops: Record<string, number>;
  /** Mean length of prompt + answer in characters. */
  meanLength: number;
  /** Number of distinct prompts. */
  distinctPrompts: number;
}

/** Statistics of a polynomial dataset. */
export function polynomialStats(records: readonly PolynomialRecord[]): PolynomialStats {
  return {
    count: records.length,
    ops: histogram(records.map((r) => r.ops)),
    meanLength: mean(records.map((r) => r.prompt.length + r.answer.length)),
    distinctPrompts: new Set(records.map((r) => r.prompt)).size,
  };
}
