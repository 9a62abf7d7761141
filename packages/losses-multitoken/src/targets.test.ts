import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultiTokenArgumentError } from './errors.js';
import { multiTokenTargets } from './targets.js';

// The definition, one position at a time on the host.
function reference(ids: number[][], head: number, mask: number[][] | undefined, padId: number | undefined) {
  const T = ids[0]?.length ?? 0;
  const at = (row: number[], t: number) => (t + 1 + head < T ? (row[t + 1 + head] as number) : undefined);
  return {
    targets: ids.map((row) => row.map((_, t) => at(row, t) ?? 0)),
    mask: ids.map((row, b) =>
      row.map((_, t) => {
        const target = at(row, t);
        if (target === undefined || target === padId) return 0;
        return mask === undefined ? 1 : (mask[b]?.[t + 1 + head] as number);
      }),
    ),
  };
}

const cases = fc
  .record({
    B: fc.integer({ min: 1, max: 3 }),
    T: fc.integer({ min: 1, max: 6 }),
    V: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ B, T, V }) =>
    fc.record({
      ids: fc.array(fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: T, maxLength: T }), {
        minLength: B,
        maxLength: B,
      }),
      mask: fc.option(
        fc.array(fc.array(fc.constantFrom(0, 1, 0.5), { minLength: T, maxLength: T }), {
          minLength: B,
          maxLength: B,
        }),
        { nil: undefined },
      ),
      padId: fc.option(fc.integer({ min: 0, max: V - 1 }), { nil: undefined }),
      head: fc.integer({ min: 0, max: T + 1 }), // heads whose every target lies past the window too
      V: fc.constant(V),
      asTensor: fc.boolean(),
    }),
  );

describe('multiTokenTargets', () => {
  it('equals the definition position by position, from arrays or tensors, leaving no tensors', () => {
    fc.assert(
      fc.property(cases, ({ ids, mask, padId, head, V, asTensor }) => {
        const before = tf.memory().numTensors;
        const batch = asTensor
          ? { ids: tf.tensor2d(ids, undefined, 'int32'), ...(mask ? { mask: tf.tensor2d(mask) } : {}) }
          : { ids, ...(mask ? { mask } : {}) };
        const got = multiTokenTargets({
          batch,
          head,
          vocabSize: V,
          ...(padId === undefined ? {} : { padId }),
        });
        const want = reference(ids, head, mask, padId);
        expect(got.targets.dtype).toBe('int32');
        expect(got.targets.arraySync()).toEqual(want.targets);
        expect(got.mask.arraySync()).toEqual(want.mask);
        tf.dispose([got.targets, got.mask]);
        if (asTensor) tf.dispose([batch.ids as tf.Tensor, (batch.mask as tf.Tensor | undefined) ?? []]);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('rejects a head that is not an integer ≥ 0 and a tensor batch of the wrong dtype', () => {
    expect(() => multiTokenTargets({ batch: { ids: [[1, 2]] }, head: -1, vocabSize: 3 })).toThrow(/^head: /);
    const floats = tf.tensor2d([[1, 2]]);
    try {
      multiTokenTargets({ batch: { ids: floats as tf.Tensor2D }, head: 0, vocabSize: 3 });
      expect.unreachable();
    } catch (error) {
      expect(MultiTokenArgumentError.isInstance(error)).toBe(true);
      expect((error as MultiTokenArgumentError).field).toBe('batch.ids');
    }
    floats.dispose();
  });
});
