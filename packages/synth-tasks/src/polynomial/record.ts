import { z } from 'zod';

/** One polynomial-arithmetic question over F_7[X]/(X^5). */
export interface PolynomialRecord {
  /** Task tag. */
  task: 'polynomial';
  /** Split the question belongs to. */
  split: 'train' | 'test';
  /** Number of operations m in the expression. */
  ops: number;
  /** The expression in prefix notation followed by `=`, e.g. `+ 34006 53001=`. */
  prompt: string;
  /** The 5 coefficients of the result, constant term first, e.g. `10000`. */
  answer: string;
}

/** Schema used to validate imported polynomial records. */
export const polynomialRecordSchema = z.object({
  task: z.literal('polynomial'),
  split: z.enum(['train', 'test']),
  ops: z.number().int().nonnegative(),
  prompt: z.string().regex(/^[0-6+*o~ ]+=$/),
  answer: z.string().regex(/^[0-6]{5}$/),
});
