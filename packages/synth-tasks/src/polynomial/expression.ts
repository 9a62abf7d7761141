import { SynthTasksError } from '../errors.js';
import type { Rng } from '../random.js';
import { add, compose, DEGREE_BOUND, MODULUS, mul, neg, type Poly } from './ring.js';

/** An expression tree over F_7[X]/(X^5). */
export type PolyExpr =
  | { op: 'lit'; value: Poly }
  | { op: 'neg'; arg: PolyExpr }
  | { op: 'add' | 'mul' | 'compose'; left: PolyExpr; right: PolyExpr };

// Serialization symbols (prefix notation, so no parentheses are needed).
const SYMBOL = { add: '+', mul: '*', compose: 'o', neg: '~' } as const;
const OPS = ['neg', 'add', 'mul', 'compose'] as const;

/** Random expression with exactly m operations; operators and literal coefficients are uniform. */
export function randomExpression(rng: Rng, m: number): PolyExpr {
  if (m === 0) {
    return { op: 'lit', value: Array.from({ length: DEGREE_BOUND }, () => rng.int(0, MODULUS - 1)) };
  }
  const op = rng.choice(OPS);
  if (op === 'neg') return { op, arg: randomExpression(rng, m - 1) };
  const leftOps = rng.int(0, m - 1);
  return { op, left: randomExpression(rng, leftOps), right: randomExpression(rng, m - 1 - leftOps) };
}

/** Value of an expression. */
export function evaluateExpression(expr: PolyExpr): Poly {
  switch (expr.op) {
    case 'lit':
      return expr.value;
    case 'neg':
      return neg(evaluateExpression(expr.arg));
    case 'add':
      return add(evaluateExpression(expr.left), evaluateExpression(expr.right));
    case 'mul':
      return mul(evaluateExpression(expr.left), evaluateExpression(expr.right));
    case 'compose':
      return compose(evaluateExpression(expr.left), evaluateExpression(expr.right));
  }
}

/** Compact serialization: prefix notation, space-separated, literals as 5 coefficient digits (c0 first). */
export function formatExpression(expr: PolyExpr): string {
  switch (expr.op) {
    case 'lit':
      return formatPoly(expr.value);
    case 'neg':
      return `${SYMBOL.neg} ${formatExpression(expr.arg)}`;
    default:
      return `${SYMBOL[expr.op]} ${formatExpression(expr.left)} ${formatExpression(expr.right)}`;
  }
}

/** A polynomial as its five coefficient digits, constant term first: 3 + 2X^4 → `30002`. */
export function formatPoly(p: Poly): string {
  return p.join('');
}

/** Inverse of {@link formatExpression}; throws a PARSE_ERROR naming the bad token. */
export function parseExpression(text: string): PolyExpr {
  const tokens = text.trim().split(/\s+/);
  let at = 0;
  const fail = (why: string): never => {
    throw new SynthTasksError('PARSE_ERROR', `polynomial expression "${text}": ${why}`);
  };
  const next = (): PolyExpr => {
    const token = tokens[at++];
    if (token === undefined || token === '') return fail('ends too early');
    if (token === SYMBOL.neg) return { op: 'neg', arg: next() };
    const binary = (['add', 'mul', 'compose'] as const).find((op) => SYMBOL[op] === token);
    if (binary) return { op: binary, left: next(), right: next() };
    if (!/^[0-6]{5}$/.test(token))
      return fail(`token ${at} "${token}" is neither an operator nor 5 digits 0-6`);
    return { op: 'lit', value: [...token].map(Number) };
  };
  const expr = next();
  if (at !== tokens.length) fail(`unexpected token "${tokens[at]}" after a complete expression`);
  return expr;
}
