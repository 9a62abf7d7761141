// Small deterministic RNG utilities. tfjs seeds its random ops with a number, so every random draw here (weight
// init, dropout masks, sampling) is derived from the user's seed by mixing in a fixed site index.

/** Mixes two integers into a well-spread unsigned 32-bit seed (murmur3 finaliser). */
export function mixSeed(seed: number, site: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(site | 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * `seed` as a seed for tfjs's normal draws (`tf.randomNormal`), which use `seed || Math.random()`: 0 would draw
 * unseeded, so it becomes 1. `mixSeed` gives 0 for seed 0 at site 0 (the token embedding of a seed-0 model).
 */
export function normalSeed(seed: number): number {
  return seed === 0 ? 1 : seed;
}

/** Mulberry32: a tiny, fast, seedable generator of floats in [0, 1); identical on every platform. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
