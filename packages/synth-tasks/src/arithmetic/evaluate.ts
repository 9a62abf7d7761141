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
  /** Fraction of records whose digit at position i (0 = most significant) is right. */
  digitAccuracy: number[];
}

/** Exact-match accuracy of predicted answers, with a per-digit breakdown. */
export function evaluateArithmetic(options: EvaluateArithmeticOptions): ArithmeticScore {
  const { records, predictions } = options;
  checkSameLength('evaluateArithmetic', records, predictions);
  const width = Math.max(0, ...records.map((r) => r.answer.length));
  const digitCorrect = new Array<number>(width).fill(0);
  records.forEach((record, i) => {
    const predicted = (predictions[i] ?? '').trim();
    for (let d = 0; d < record.answer.length; d++) {
      if (predicted[d] === record.answer[d]) digitCorrect[d] = (digitCorrect[d] ?? 0) + 1;
    }
  });
  return {
    ...exactMatch(
      records.map((r) => r.answer),
      predictions,
    ),
    digitAccuracy: digitCorrect.map((c) => (records.length ? c / records.length : 0)),
  };
}
