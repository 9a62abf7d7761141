/**
 * A 32-bit seed for update `step`, micro-batch `micro` of a run seeded `seed`: a pure function, so a resumed
 * run hands its loss function the same seeds as an uninterrupted one. Mixing is murmur3's finalizer, so nearby
 * inputs give unrelated seeds.
 */
export function stepSeed(seed: number, step: number, micro: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ step;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ Math.imul(micro + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
