import { z } from 'zod';
import { drawRecords } from '../generate.js';
import { type BaseOptions, baseOptionsSchema, intIn, parseOptions } from '../options.js';
import { evaluateExpression, formatExpression, formatPoly, randomExpression } from './expression.js';
import type { PolynomialRecord } from './record.js';

/** A range of operation counts m. */
export interface OpsRange {
  /** Fewest operations. */
  readonly minOps: number;
  /** Most operations. */
  readonly maxOps: number;
}

/** Operation counts of the two difficulty regimes: train on in-domain, test generalization on out-of-domain. */
export const POLYNOMIAL_DOMAINS: Readonly<Record<'in' | 'out', OpsRange>> = {
  in: { minOps: 1, maxOps: 5 },
  out: { minOps: 6, maxOps: 10 },
};

/** Options of {@link generatePolynomial}. */
export interface PolynomialOptions extends BaseOptions {
  /**
   * Difficulty regime: `in` draws m uniformly from 1..5, `out` from 6..10 (see {@link POLYNOMIAL_DOMAINS}).
   * @default 'in'
   */
  domain?: 'in' | 'out';
  /**
   * Smallest number of operations; overrides the domain's.
   * @default the domain's minOps
   */
  minOps?: number;
  /**
   * Largest number of operations; overrides the domain's.
   * @default the domain's maxOps
   */
  maxOps?: number;
}

const schema = baseOptionsSchema
  .extend({
    domain: z.enum(['in', 'out'], "must be 'in' or 'out'").default('in'),
    minOps: intIn(0, 30).optional(),
    maxOps: intIn(0, 30).optional(),
  })
  .transform((o) => ({
    ...o,
    minOps: o.minOps ?? POLYNOMIAL_DOMAINS[o.domain].minOps,
    maxOps: o.maxOps ?? POLYNOMIAL_DOMAINS[o.domain].maxOps,
  }))
  .refine((o) => o.minOps <= o.maxOps, { message: 'must be <= maxOps', path: ['minOps'] });

/**
 * Generates expressions over F_7[X]/(X^5) with negation, +, × and composition (Gloeckle et al. 2024, §4.2):
 * m operations with m uniform in [minOps, maxOps], operators and operand coefficients uniform.
 */
export function generatePolynomial(options: PolynomialOptions): PolynomialRecord[] {
  return [...polynomialRecords(options)];
}

/** Lazy form of {@link generatePolynomial}, for large datasets and the CLI. */
export function* polynomialRecords(options: PolynomialOptions): Generator<PolynomialRecord> {
  const opts = parseOptions(schema, options, 'generatePolynomial');
  yield* drawRecords(
    'polynomial',
    opts,
    (rng, split) => {
      const ops = rng.int(opts.minOps, opts.maxOps);
      const expr = randomExpression(rng, ops);
      const answer = formatPoly(evaluateExpression(expr));
      return { task: 'polynomial', split, ops, prompt: `${formatExpression(expr)}=`, answer };
    },
    (record) => record.prompt,
  );
}
