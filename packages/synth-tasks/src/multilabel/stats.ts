import { histogram, mean } from '../metrics.js';
import type { MultilabelRecord } from './record.js';

/** Summary of a multi-label dataset. */
export interface MultilabelStats {
  /** Number of records. */
  count: number;
  /** Records carrying each label. */
  labelCounts: Record<string, number>;
  /** Mean number of labels per record. */
  meanLabels: number;
  /** Mean text length in words. */
  meanWords: number;
}

/** Statistics of a multi-label dataset. */
export function multilabelStats(records: readonly MultilabelRecord[]): MultilabelStats {
  return {
    count: records.length,
    labelCounts: histogram(records.flatMap((r) => r.labels)),
    meanLabels: mean(records.map((r) => r.labels.length)),
    meanWords: mean(records.map((r) => r.text.split(/\s+/).length)),
  };
}
