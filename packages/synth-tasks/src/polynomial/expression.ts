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

/**
 * Value and operation count of an expression in prefix notation, read right to left with a stack of values:
 * a literal pushes its value, `~` replaces the top, a binary operator pops its left then its right operand. No
 * recursion, so depth is bounded only by memory. Inverse of {@link formatExpression} up to evaluation; throws
 * a PARSE_ERROR naming the bad token.
 */
export function evaluatePrefix(text: string): { value: Poly; ops: number } {
  const tokens = text.trim().split(/\s+/);
  const fail = (why: string): never => {
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new SynthTasksError('PARSE_ERROR', `polynomial expression "${shown}": ${why}`);
  };
  const stack: Poly[] = [];
  let ops = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i] as string;
    if (token === SYMBOL.neg) {
      if (stack.length < 1) fail(`token ${i + 1} "${token}" has no operand`);
      stack.push(neg(stack.pop() as Poly));
      ops++;
      continue;
    }
    const binary = (['add', 'mul', 'compose'] as const).find((op) => SYMBOL[op] === token);
    if (binary) {
      if (stack.length < 2) fail(`token ${i + 1} "${token}" has fewer than two operands`);
      const left = stack.pop() as Poly;
      const right = stack.pop() as Poly;
      stack.push(
        binary === 'add' ? add(left, right) : binary === 'mul' ? mul(left, right) : compose(left, right),
      );
      ops++;
      continue;
    }
    if (!/^[0-6]{5}$/.test(token))
      fail(`token ${i + 1} "${token.slice(0, 20)}" is neither an operator nor 5 digits 0-6`);
    stack.push([...token].map(Number));
  }
  if (stack.length !== 1)
    fail(stack.length === 0 ? 'is empty' : `has ${stack.length} expressions where one was expected`);
  return { value: stack[0] as Poly, ops };
}
