import { describeValue } from '@beyond-ntp/errors';
import { z } from 'zod';
import { SynthTasksError } from './errors.js';

/** An integer in [min, max]; the error message states the range so callers see what is allowed. */
export function intIn(min: number, max: number) {
  const allowed = `must be an integer in ${min}..${max}`;
  return z.number(allowed).int(allowed).min(min, allowed).max(max, allowed);
}

/** A number in [min, max]. */
export function numberIn(min: number, max: number) {
  const allowed = `must be a number in [${min}, ${max}]`;
  return z.number(allowed).min(min, allowed).max(max, allowed);
}

/** Which part of a task's question space a generator draws from. */
export type Split = 'train' | 'test';

/** Options every generator takes. */
export interface BaseOptions {
  /** Seed of the generator: same seed and options → identical records on every platform. */
  seed: number | string;
  /** Number of records to generate. */
  count: number;
  /**
   * Which split to draw from. Every distinct question is hashed to exactly one split, so train and test never
   * share a question even for small spaces such as 2-digit addition.
   * @default 'train'
   */
  split?: Split;
  /**
   * Share of the question space that belongs to the test split.
   * @default 0.1
   */
  testFraction?: number;
}

/** Zod schema of {@link BaseOptions}; task schemas extend it. */
export const baseOptionsSchema = z.strictObject({
  seed: z.union(
    [z.number().int().refine(Number.isSafeInteger), z.string().min(1)],
    'must be a safe integer or a non-empty string',
  ),
  count: intIn(0, 10_000_000),
  split: z.enum(['train', 'test'], "must be 'train' or 'test'").default('train'),
  testFraction: numberIn(0.001, 0.999).default(0.1),
});

/**
 * Validates options against a schema and fills defaults. Failures throw a {@link SynthTasksError} naming the
 * function, the field, the value given and what is allowed.
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown, where: string): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
    }
    const field = issue.path.join('.') || '(options)';
    const given = valueAt(options, issue.path);
    return `option "${field}" ${issue.message}${given === undefined ? '' : ` (got ${describeValue(given)})`}`;
  });
  throw new SynthTasksError('INVALID_OPTIONS', `${where}: ${problems.join('; ')}`);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
