import { histogram, mean } from '../metrics.js';
import type { ArithmeticRecord } from './record.js';

/** Summary of an arithmetic dataset. */
export interface ArithmeticStats {
  /** Number of records. */
  count: number;
  /** Records per operation. */
  ops: Record<string, number>;
  /** Number of distinct prompts (duplicates are allowed within a split). */
  distinctPrompts: number;
  /** Mean length of prompt + answer in characters. */
  meanLength: number;
}

/** Statistics of an arithmetic dataset. */
export function arithmeticStats(records: readonly ArithmeticRecord[]): ArithmeticStats {
  return {
    count: records.length,
    ops: histogram(records.map((r) => r.op)),
    distinctPrompts: new Set(records.map((r) => r.prompt)).size,
    meanLength: mean(records.map((r) => r.prompt.length + r.answer.length)),
  };
}
