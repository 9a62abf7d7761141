import { z } from 'zod';
import { drawRecords } from '../generate.js';
import { type BaseOptions, baseOptionsSchema, intIn, parseOptions } from '../options.js';
import type { ArithmeticRecord } from './record.js';

/** Options of {@link generateArithmetic}. */
export interface ArithmeticOptions extends BaseOptions {
  /**
   * Operation: `*` (multiplication) or `+` (addition).
   * @default '*'
   */
  op?: '+' | '*';
  /**
   * Digits of the first operand (operands are uniform in 0..10^digits − 1, written zero-padded).
   * @default 2
   */
  digitsA?: number;
  /**
   * Digits of the second operand.
   * @default 2
   */
  digitsB?: number;
}

// 7 digits keeps a 7×7-digit product below 2^53, so every answer is an exact JS integer.
const schema = baseOptionsSchema.extend({
  op: z.enum(['+', '*'], "must be '+' or '*'").default('*'),
  digitsA: intIn(1, 7).default(2),
  digitsB: intIn(1, 7).default(2),
});

/** Width of the zero-padded answer: the widest possible result, so every digit has a fixed position. */
export function answerWidth(op: '+' | '*', digitsA: number, digitsB: number): number {
  return op === '*' ? digitsA + digitsB : Math.max(digitsA, digitsB) + 1;
}

/** Formats one problem; also used by the solver so both sides share one definition of the format. */
export function formatArithmetic(op: '+' | '*', a: number, b: number, digitsA: number, digitsB: number) {
  const prompt = `${String(a).padStart(digitsA, '0')}${op}${String(b).padStart(digitsB, '0')}=`;
  const result = op === '*' ? a * b : a + b;
  return { prompt, answer: String(result).padStart(answerWidth(op, digitsA, digitsB), '0') };
}

/**
 * Generates zero-padded addition or multiplication problems, e.g. `35*07=0245`. Fixed widths give every
 * answer digit a fixed position, which is what digit-reordering experiments need.
 */
export function generateArithmetic(options: ArithmeticOptions): ArithmeticRecord[] {
  return [...arithmeticRecords(options)];
}

/** Lazy form of {@link generateArithmetic}, for large datasets and the CLI. */
export function* arithmeticRecords(options: ArithmeticOptions): Generator<ArithmeticRecord> {
  const opts = parseOptions(schema, options, 'generateArithmetic');
  const { op, digitsA, digitsB } = opts;
  yield* drawRecords(
    'arithmetic',
    opts,
    (rng, split) => {
      const a = rng.int(0, 10 ** digitsA - 1);
      const b = rng.int(0, 10 ** digitsB - 1);
      return { task: 'arithmetic', split, op, a, b, ...formatArithmetic(op, a, b, digitsA, digitsB) };
    },
    (record) => record.prompt,
  );
}
