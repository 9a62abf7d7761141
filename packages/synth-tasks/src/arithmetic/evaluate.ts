import { SynthTasksError } from '../errors.js';
import { checkSameLength, type ExactMatch, exactMatch } from '../metrics.js';
import type { ArithmeticRecord } from './record.js';

/**
 * Computes the answer of a prompt such as `35*07=` from its text alone (widths are read from the operands).
 * It shares no code with the generator (BigInt arithmetic, its own width rule), so checking generated records
 * against it can catch generator mistakes.
 */
export function solveArithmetic(prompt: string): string {
  const match = /^(\d+)([+*])(\d+)=$/.exec(prompt);
  if (!match) {
    throw new SynthTasksError(
      'PARSE_ERROR',
      `solveArithmetic: expected "<digits><+|*><digits>=", got "${prompt}"`,
    );
  }
  const [, left = '', op, right = ''] = match;
  const [a, b] = [BigInt(left), BigInt(right)];
  // Widths: a product of m- and n-digit numbers has at most m+n digits; a sum at most max(m, n)+1.
  const width = op === '*' ? left.length + right.length : Math.max(left.length, right.length) + 1;
  return (op === '*' ? a * b : a + b).toString().padStart(width, '0');
}

/** Options of {@link evaluateArithmetic}. */
export interface EvaluateArithmeticOptions {
  /** The reference records. */
  records: readonly ArithmeticRecord[];
  /** One predicted answer string per record (surrounding whitespace is ignored). */
  predictions: readonly string[];
}

/** Exact match plus accuracy at each answer digit position (most significant first). */
export interface ArithmeticScore extends ExactMatch {
  /**
   * Per digit position of the widest answer, most significant first, answers aligned at their last (units)
   * digit: the fraction of the records that have a digit there whose predicted digit there is right. With
   * answers `12` and `0252`, positions 0 and 1 count only the second record, positions 2 and 3 both.
   */
  digitAccuracy: number[];
}

/** Exact-match accuracy of predicted answers, with a per-digit breakdown. */
export function evaluateArithmetic(options: EvaluateArithmeticOptions): ArithmeticScore {
  const { records, predictions } = options;
  checkSameLength('evaluateArithmetic', records, predictions);
  let width = 0;
  for (const r of records) width = Math.max(width, r.answer.length);
  const digitCorrect = new Array<number>(width).fill(0);
  const digitTotal = new Array<number>(width).fill(0);
  records.forEach((record, i) => {
    const predicted = (predictions[i] ?? '').trim();
    // Digit d of a narrower answer sits at position d + shift of the widest one: units digits line up.
    const shift = width - record.answer.length;
    for (let d = 0; d < record.answer.length; d++) {
      digitTotal[d + shift] = (digitTotal[d + shift] as number) + 1;
      if (predicted[d] === record.answer[d])
        digitCorrect[d + shift] = (digitCorrect[d + shift] as number) + 1;
    }
  });
  return {
    ...exactMatch(
      records.map((r) => r.answer),
      predictions,
    ),
    digitAccuracy: digitCorrect.map((c, p) => c / (digitTotal[p] as number)),
  };
}
