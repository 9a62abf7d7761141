/** A seed: any integer or string. Strings are hashed, so `'run-1'` and `1` are both fine. */
export type Seed = number | string;

/**
 * cyrb128: a small, well-known string hash giving four 32-bit words, used to seed {@link Rng} and to assign
 * records to splits. Only `Math.imul`, xor and shifts, so it is bit-exact on every platform.
 */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** e^x from its Taylor series: only + × ÷, which IEEE 754 rounds exactly, unlike `Math.exp`. */
function expSeries(x: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 200 && term !== 0; n++) {
    term = (term * x) / n;
    sum += term;
  }
  return sum;
}

/**
 * Seeded pseudo-random generator (sfc32, Chris Doty-Humphrey's Small Fast Counting generator) with the
 * sampling helpers the tasks need. Everything is integer arithmetic or exactly rounded float ops, so the
 * same seed gives the same stream on every platform and Node version.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: Seed) {
    [this.a, this.b, this.c, this.d] = hash128(`${typeof seed}:${seed}`);
    // Warm up so that similar seeds diverge before the first draw is used.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (both inclusive), without modulo bias. */
  int(lo: number, hi: number): number {
    const range = hi - lo + 1;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || range < 1 || range > 4294967296) {
      throw new RangeError(`Rng.int: need integers lo <= hi with hi - lo < 2^32, got ${lo}..${hi}`);
    }
    const limit = 4294967296 - (4294967296 % range);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return lo + (x % range);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.choice: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** k distinct elements in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, k);
  }

  /** Index drawn with probability proportional to `weights[i]` (non-negative, positive sum). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** k distinct elements, each draw proportional to its weight among those not yet drawn. */
  weightedSample<T>(items: readonly T[], weights: readonly number[], k: number): T[] {
    const pool = items.slice();
    const w = weights.slice();
    const out: T[] = [];
    while (out.length < k && pool.length > 0) {
      const i = this.weightedIndex(w);
      out.push(pool.splice(i, 1)[0] as T);
      w.splice(i, 1);
    }
    return out;
  }

  /** Poisson(λ) by Knuth's multiplication method (fine for the small λ used here). */
  poisson(lambda: number): number {
    if (!(lambda >= 0 && lambda <= 30))
      throw new RangeError(`Rng.poisson: λ must be in [0, 30], got ${lambda}`);
    const limit = 1 / expSeries(lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }
}

/** Fraction in [0, 1) that a string hashes to; used to put each distinct question in exactly one split. */
export function hashFraction(text: string): number {
  return hash128(text)[0] / 4294967296;
}
