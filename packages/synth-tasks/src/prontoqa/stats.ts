import { histogram, mean } from '../metrics.js';
import type { ProntoQARecord } from './record.js';

/** Summary of a ProntoQA dataset. */
export interface ProntoQAStats {
  /** Number of records. */
  count: number;
  /** Records per number of hops. */
  hops: Record<string, number>;
  /** Fraction of questions whose answer is "True". */
  trueFraction: number;
  /** Mean number of context sentences per question. */
  meanSentences: number;
}

/** Statistics of a ProntoQA dataset. */
export function prontoqaStats(records: readonly ProntoQARecord[]): ProntoQAStats {
  return {
    count: records.length,
    hops: histogram(records.map((r) => r.hops)),
    trueFraction: mean(records.map((r) => (r.answer === 'True' ? 1 : 0))),
    meanSentences: mean(records.map((r) => (r.question.match(/\./g)?.length ?? 1) - 1)),
  };
}
