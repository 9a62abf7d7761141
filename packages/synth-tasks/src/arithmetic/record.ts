import { z } from 'zod';

/** One zero-padded arithmetic problem, e.g. `35*07=` → `0245`. */
export interface ArithmeticRecord {
  /** Task tag. */
  task: 'arithmetic';
  /** Split the question belongs to. */
  split: 'train' | 'test';
  /** `*` for multiplication, `+` for addition. */
  op: '+' | '*';
  /** First operand. */
  a: number;
  /** Second operand. */
  b: number;
  /** Question text: both operands zero-padded to their digit counts, then `=`, e.g. `35*07=`. */
  prompt: string;
  /** Result zero-padded to a fixed width: digitsA+digitsB for `*`, max(digitsA, digitsB)+1 for `+`. */
  answer: string;
}

/** Schema used to validate imported arithmetic records. */
export const arithmeticRecordSchema = z.object({
  task: z.literal('arithmetic'),
  split: z.enum(['train', 'test']),
  op: z.enum(['+', '*']),
  a: z.number().int().nonnegative(),
  b: z.number().int().nonnegative(),
  prompt: z.string().regex(/^\d+[+*]\d+=$/),
  answer: z.string().regex(/^\d+$/),
});
