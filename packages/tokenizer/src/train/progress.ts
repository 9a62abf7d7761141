/**
 * Training progress. `count`: the corpus is being read, `characters` so far (reported about every million
 * characters and at the end); `merge`: `merges` of at most `totalMerges` are learned (reported about every 1%
 * and at the end).
 */
export type TrainProgress =
  | {
      /** Reading the corpus. */
      phase: 'count';
      /** Characters read so far. */
      characters: number;
    }
  | {
      /** Learning merges. */
      phase: 'merge';
      /** Merges learned so far. */
      merges: number;
      /** Merges needed to reach `vocabSize` (training may stop earlier, see `minFrequency`). */
      totalMerges: number;
    };
