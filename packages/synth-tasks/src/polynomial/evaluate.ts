import { SynthTasksError } from '../errors.js';
import { checkSameLength, type ExactMatch, exactMatch, histogram } from '../metrics.js';
import { evaluatePrefix, formatPoly } from './expression.js';
import type { PolynomialRecord } from './record.js';

/**
 * Computes the answer of a prompt such as `o 00100 11000=` (→ `12100`) from its text alone. Iterative, so
 * expressions of any depth (20,000 nested `~`) evaluate without exhausting the stack.
 */
export function solvePolynomial(prompt: string): string {
  return solvePolynomialWithOps(prompt).answer;
}

/** {@link solvePolynomial} plus the number of operations in the prompt (what a record's `ops` must be). */
export function solvePolynomialWithOps(prompt: string): { answer: string; ops: number } {
  if (typeof prompt !== 'string' || !prompt.endsWith('=')) {
    const shown = typeof prompt === 'string' ? prompt.slice(0, 80) : typeof prompt;
    throw new SynthTasksError('PARSE_ERROR', `solvePolynomial: prompt must end with "=", got "${shown}"`);
  }
  const { value, ops } = evaluatePrefix(prompt.slice(0, -1));
  return { answer: formatPoly(value), ops };
}

/** Options of {@link evaluatePolynomial}. */
export interface EvaluatePolynomialOptions {
  /** The reference records. */
  records: readonly PolynomialRecord[];
  /** One predicted answer (5 digits) per record; surrounding whitespace is ignored. */
  predictions: readonly string[];
}

/** Exact match overall and per number of operations. */
export interface PolynomialScore extends ExactMatch {
  /** Exact-match accuracy keyed by the number of operations m. */
  byOps: Record<string, ExactMatch>;
}

/** Exact-match accuracy of predicted coefficient strings, overall and per m. */
export function evaluatePolynomial(options: EvaluatePolynomialOptions): PolynomialScore {
  const { records, predictions } = options;
  checkSameLength('evaluatePolynomial', records, predictions);
  const byOps = Object.fromEntries(
    Object.keys(histogram(records.map((r) => r.ops))).map((m) => {
      const idx = records.flatMap((r, i) => (String(r.ops) === m ? [i] : []));
      const score = exactMatch(
        idx.map((i) => (records[i] as PolynomialRecord).answer),
        idx.map((i) => predictions[i] ?? ''),
      );
      return [m, score];
    }),
  );
  return {
    ...exactMatch(
      records.map((r) => r.answer),
      predictions,
    ),
    byOps,
  };
}
