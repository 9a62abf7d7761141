/**
 * Training progress. `count`: the corpus is being read, `characters` so far (reported about every million
 * characters and at the end); `merge`: `merges` of at most `totalMerges` are learned (reported about every 1%
 * and at the end).
 */
export type TrainProgress =
  | { phase: 'count'; characters: number }
  | { phase: 'merge'; merges: number; totalMerges: number };
