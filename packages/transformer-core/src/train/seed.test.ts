import fc from 'fast-check';
import { expect, it } from 'vitest';
import { stepSeed } from './seed.js';

it('is a pure 32-bit function of (seed, step, micro)', () => {
  fc.assert(
    fc.property(fc.nat(), fc.nat(1_000_000), fc.nat(64), (seed, step, micro) => {
      const value = stepSeed(seed, step, micro);
      expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32).toBe(true);
      expect(stepSeed(seed, step, micro)).toBe(value);
    }),
  );
});

it('gives different seeds to neighbouring steps, micro-batches and runs', () => {
  const seeds = new Set<number>();
  for (let run = 0; run < 4; run++) {
    for (let step = 0; step < 100; step++) {
      for (let micro = 0; micro < 4; micro++) seeds.add(stepSeed(run, step, micro));
    }
  }
  expect(seeds.size).toBe(4 * 100 * 4);
});
