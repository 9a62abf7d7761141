import { mean } from '../metrics.js';
import type { InductionRecord } from './record.js';

/** Summary of an induction dataset. */
export interface InductionStats {
  /** Number of stories. */
  count: number;
  /** Mean story length in words. */
  meanWords: number;
  /** Mean number of characters per story. */
  meanCharacters: number;
  /** Mean name mentions per story. */
  meanMentions: number;
  /** Mean repeat mentions (induction targets) per story. */
  meanRepeatMentions: number;
  /** Number of distinct names across the dataset. */
  distinctNames: number;
  /** Number of sentences across the dataset. */
  sentences: number;
  /** Number of distinct sentences across the dataset after masking names (a measure of variety). */
  distinctSentences: number;
}

/** Statistics of an induction dataset. */
export function inductionStats(records: readonly InductionRecord[]): InductionStats {
  const sentences = records.flatMap((r) => {
    let text = r.text;
    for (const m of [...r.mentions].reverse()) text = `${text.slice(0, m.start)}NAME${text.slice(m.end)}`;
    return text.split(/(?<=[.!?]"?) /);
  });
  return {
    count: records.length,
    meanWords: mean(records.map((r) => r.text.split(/\s+/).length)),
    meanCharacters: mean(records.map((r) => r.names.length)),
    meanMentions: mean(records.map((r) => r.mentions.length)),
    meanRepeatMentions: mean(records.map((r) => r.mentions.filter((m) => m.occurrence > 0).length)),
    distinctNames: new Set(records.flatMap((r) => r.names)).size,
    sentences: sentences.length,
    distinctSentences: new Set(sentences).size,
  };
}
