import { SynthTasksError } from './errors.js';

/** Exact-match score. */
export interface ExactMatch {
  /** Number of predictions equal to the reference. */
  correct: number;
  /** Number of records scored. */
  total: number;
  /** correct / total (0 for an empty set). */
  accuracy: number;
}

/** Throws unless there is exactly one prediction per record. */
export function checkSameLength(where: string, records: readonly unknown[], predictions: readonly unknown[]) {
  if (records.length !== predictions.length) {
    throw new SynthTasksError(
      'INVALID_OPTIONS',
      `${where}: need one prediction per record, got ${predictions.length} predictions for ${records.length} records`,
    );
  }
}

/** Exact match of `predictions[i].trim()` against `references[i]`. */
export function exactMatch(references: readonly string[], predictions: readonly string[]): ExactMatch {
  let correct = 0;
  references.forEach((ref, i) => {
    if ((predictions[i] ?? '').trim() === ref) correct++;
  });
  return { correct, total: references.length, accuracy: references.length ? correct / references.length : 0 };
}

/** Arithmetic mean (0 for an empty list). */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : 0;
}

/** Count of each value, keys in ascending order. */
export function histogram(values: readonly (number | string)[]): Record<string, number> {
  const counts = new Map<number | string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const keys = [...counts.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [String(k), counts.get(k) as number]));
}
