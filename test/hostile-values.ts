import fc from 'fast-check';

/**
 * Arbitrary values as an untrusted caller or file may pass them: BigInt, objects without a prototype, sparse
 * arrays, boxed primitives, Maps and Sets, with keys like `__proto__` and `toString`. Shared by the option fuzz
 * tests of every package: an entry point must answer these with its own error, never a raw TypeError.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.anything({
  withBigInt: true,
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  maxDepth: 2,
});
