/**
 * Arithmetic in F_7[X]/(X^5): coefficients mod 7, powers X^5 and above dropped. A polynomial is its five
 * coefficients, lowest degree first: 3 + 2X^4 is [3, 0, 0, 0, 2].
 */

/** The modulus of the coefficient field. */
export const MODULUS = 7;
/** Number of coefficients kept (X^5 = 0). */
export const DEGREE_BOUND = 5;

/** A polynomial as DEGREE_BOUND coefficients in 0..6, constant term first. */
export type Poly = readonly number[];

const mod = (x: number) => ((x % MODULUS) + MODULUS) % MODULUS;

/** p + q. */
export function add(p: Poly, q: Poly): Poly {
  return p.map((c, i) => mod(c + (q[i] ?? 0)));
}

/** −p. */
export function neg(p: Poly): Poly {
  return p.map((c) => mod(-c));
}

/** p · q, dropping terms of degree ≥ 5. */
export function mul(p: Poly, q: Poly): Poly {
  const out = new Array<number>(DEGREE_BOUND).fill(0);
  for (let i = 0; i < DEGREE_BOUND; i++) {
    for (let j = 0; i + j < DEGREE_BOUND; j++)
      out[i + j] = (out[i + j] as number) + (p[i] ?? 0) * (q[j] ?? 0);
  }
  return out.map(mod);
}

/**
 * p ∘ q = p(q(X)) mod X^5, by Horner's rule on p's canonical representative (degree < 5). When q(0) ≠ 0,
 * q^5 is not divisible by X^5, so every coefficient of p matters and the result is *not* the same as
 * composing any other representative of p: composition is associative only when the inner constant terms
 * are 0. This is the convention of "drop X^k for k ≥ 5 after each operation".
 */
export function compose(p: Poly, q: Poly): Poly {
  let out: Poly = [p[DEGREE_BOUND - 1] ?? 0, 0, 0, 0, 0];
  for (let i = DEGREE_BOUND - 2; i >= 0; i--) out = add(mul(out, q), [p[i] ?? 0, 0, 0, 0, 0]);
  return out;
}
