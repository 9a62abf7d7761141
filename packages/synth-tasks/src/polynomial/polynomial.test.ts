import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { evaluatePolynomial, solvePolynomial } from './evaluate.js';
import { evaluateExpression, evaluatePrefix, formatExpression, randomExpression } from './expression.js';
import { generatePolynomial } from './generate.js';
import { add, compose, mul, neg, type Poly } from './ring.js';
import { polynomialStats } from './stats.js';

const poly = (digits: string): Poly => [...digits].map(Number);
const arbPoly = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 5, maxLength: 5 });

describe('F_7[X]/(X^5) by hand', () => {
  it('adds and negates coefficient-wise mod 7', () => {
    // (3 + 4X + 6X^4) + (5 + 3X + X^4) = 8 + 7X + 7X^4 = 1
    expect(add(poly('34006'), poly('53001'))).toEqual(poly('10000'));
    // −(1 + 2X + 6X^4) = 6 + 5X + X^4
    expect(neg(poly('12006'))).toEqual(poly('65001'));
  });

  it('multiplies and drops X^5 and above', () => {
    // (1 + X)(6 + X) = 6 + 7X + X^2 = 6 + X^2
    expect(mul(poly('11000'), poly('61000'))).toEqual(poly('60100'));
    // X^3 · X^2 = X^5 = 0
    expect(mul(poly('00010'), poly('00100'))).toEqual(poly('00000'));
    // (1 + X^2) · 2X^3 = 2X^3 + 2X^5 = 2X^3
    expect(
      mul(
        poly('00100').map((c, i) => (i === 0 ? 1 : c)),
        poly('00020'),
      ),
    ).toEqual(poly('00020'));
    // 3X^2 · 5X^2 = 15X^4 = X^4
    expect(mul(poly('00300'), poly('00500'))).toEqual(poly('00001'));
  });

  it('composes p(q(X)) where the constant term of q matters', () => {
    // X^2 ∘ (1 + X) = 1 + 2X + X^2
    expect(compose(poly('00100'), poly('11000'))).toEqual(poly('12100'));
    // (X + X^4) ∘ (1 + X) = (1 + 4X + 6X^2 + 4X^3 + X^4) + (1 + X) = 2 + 5X + 6X^2 + 4X^3 + X^4
    expect(compose(poly('01001'), poly('11000'))).toEqual(poly('25641'));
    // (3 + 2X) ∘ (4 + X^2) = 11 + 2X^2 = 4 + 2X^2
    expect(compose(poly('32000'), poly('40100'))).toEqual(poly('40200'));
    // X^3 ∘ (2 + X) = 8 + 12X + 6X^2 + X^3 = 1 + 5X + 6X^2 + X^3
    expect(compose(poly('00010'), poly('21000'))).toEqual(poly('15610'));
    // X^2 ∘ X^3 = X^6 = 0
    expect(compose(poly('00100'), poly('00010'))).toEqual(poly('00000'));
  });

  it('solves serialized prompts', () => {
    expect(solvePolynomial('+ 34006 53001=')).toBe('10000');
    expect(solvePolynomial('o 00100 11000=')).toBe('12100');
    // −(1 + X) · (1 + X)^2 = 6(1 + X)^3 = 6 + 18X + 18X^2 + 6X^3 = 6 + 4X + 4X^2 + 6X^3
    expect(solvePolynomial('* ~ 11000 o 00100 11000=')).toBe('64460');
    expect(solvePolynomial('12345=')).toBe('12345');
    expect(() => solvePolynomial('+ 12345=')).toThrow(/token 1 "\+" has fewer than two operands/);
    expect(() => solvePolynomial('+ 12345 99999=')).toThrow(/token 3 "99999"/);
    expect(() => solvePolynomial('12345 12345=')).toThrow(/has 2 expressions where one was expected/);
    expect(() => solvePolynomial('12345')).toThrow(/must end with "="/);
  });
});

describe('ring axioms (property)', () => {
  it('+ and × form a commutative ring; composition with X-divisible inner polynomials is a ring map', () => {
    fc.assert(
      fc.property(arbPoly, arbPoly, arbPoly, (p, q, rRaw) => {
        // With r(0) = 0, r^5 ≡ 0, so composing with r respects the quotient and these identities hold.
        const r = [0, ...rRaw.slice(1)];
        expect(add(p, q)).toEqual(add(q, p));
        expect(mul(p, q)).toEqual(mul(q, p));
        expect(mul(mul(p, q), r)).toEqual(mul(p, mul(q, r)));
        expect(mul(p, add(q, r))).toEqual(add(mul(p, q), mul(p, r)));
        expect(add(p, neg(p))).toEqual(poly('00000'));
        expect(compose(compose(p, q), r)).toEqual(compose(p, compose(q, r)));
        expect(compose(add(p, q), r)).toEqual(add(compose(p, r), compose(q, r)));
        expect(compose(mul(p, q), r)).toEqual(mul(compose(p, r), compose(q, r)));
        expect(compose(p, poly('01000'))).toEqual(p);
        expect(compose(poly('01000'), q)).toEqual(q);
      }),
      { numRuns: 200 },
    );
  });

  it('composition with a nonzero inner constant term differs from composing the untruncated product', () => {
    // (X^3 · X^2) ∘ (1 + X): the truncated product is 0, so the result is 0, although (1 + X)^5 ≠ 0 mod X^5.
    expect(compose(mul(poly('00010'), poly('00100')), poly('11000'))).toEqual(poly('00000'));
    // whereas (1 + X)^3 · (1 + X)^2 = (1 + X)^5 = 1 + 5X + 10X^2 + 10X^3 + 5X^4 ≡ 1 + 5X + 3X^2 + 3X^3 + 5X^4.
    expect(mul(compose(poly('00010'), poly('11000')), compose(poly('00100'), poly('11000')))).toEqual(
      poly('15335'),
    );
  });

  it('the serialized expression evaluates (iteratively) to the value of its tree, with its operation count', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 12 }), (seed, m) => {
        const expr = randomExpression(new Rng(seed), m);
        expect(evaluatePrefix(formatExpression(expr))).toEqual({ value: evaluateExpression(expr), ops: m });
      }),
    );
  });

  it('solves 20,000 nested negations without recursion', () => {
    // ~ applied an even number of times is the identity.
    expect(solvePolynomial(`${'~ '.repeat(20_000)}12345=`)).toBe('12345');
    expect(solvePolynomial(`${'~ '.repeat(20_001)}12345=`)).toBe('65432');
    // 20,000 additions of 1: 20,000 mod 7 = 1.
    expect(solvePolynomial(`${'+ 10000 '.repeat(20_000)}00000=`)).toBe('10000');
  });

  it('names the token at fault in malformed prompts', () => {
    expect(() => solvePolynomial('~ 12x45=')).toThrow(/token 2 "12x45" is neither an operator nor 5 digits/);
    expect(() => solvePolynomial('=')).toThrow(/token 1 "" is neither/);
    expect(() => solvePolynomial('~ =')).toThrow(/token 1 "~" has no operand/);
  });
});

describe('generatePolynomial', () => {
  it('every generated answer is confirmed by the solver, in and out of domain', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom<'in' | 'out'>('in', 'out'), (seed, domain) => {
        for (const r of generatePolynomial({ seed, count: 20, domain })) {
          expect(solvePolynomial(r.prompt)).toBe(r.answer);
          expect(r.prompt.split(' ').filter((t) => /^[+*o~]$/.test(t))).toHaveLength(r.ops);
          expect(domain === 'in' ? r.ops <= 5 : r.ops >= 6 && r.ops <= 10).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('draws m uniformly over the domain and scores per m', () => {
    const records = generatePolynomial({ seed: 3, count: 500 });
    const stats = polynomialStats(records);
    expect(Object.keys(stats.ops)).toEqual(['1', '2', '3', '4', '5']);
    for (const n of Object.values(stats.ops)) expect(n).toBeGreaterThan(70);
    const predictions = records.map((r, i) => (i % 2 ? r.answer : '00000'));
    const score = evaluatePolynomial({ records, predictions });
    const wrongByChance = records.filter((r, i) => i % 2 === 0 && r.answer === '00000').length;
    expect(score.correct).toBe(250 + wrongByChance);
    expect(Object.values(score.byOps).reduce((s, x) => s + x.total, 0)).toBe(500);
  });

  it('rejects invalid ranges', () => {
    expect(() => generatePolynomial({ seed: 1, count: 1, minOps: 7, maxOps: 3 })).toThrow(
      /option "minOps" must be <= maxOps/,
    );
    expect(() => generatePolynomial({ seed: 1, count: 1, maxOps: 99 })).toThrow(
      /"maxOps" must be an integer in 0\.\.30/,
    );
    expect(() => generatePolynomial({ seed: 1, count: 1, domain: 'mid' as 'in' })).toThrow(
      /"domain" must be 'in' or 'out'/,
    );
  });
});
