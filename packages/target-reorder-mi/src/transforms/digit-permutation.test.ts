import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { arithmeticGrid } from '../../test/grids.js';
import { chooseOrder } from '../targets/choose-order.js';
import { encodeTargets } from '../targets/target-data.js';
import { DigitPermutation } from './digit-permutation.js';
import { transformFromJSON } from './from-json.js';

/** Every permutation of 0 … n−1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

const widthAndOrder = fc.integer({ min: 1, max: 12 }).chain((width) =>
  fc.tuple(
    fc.shuffledSubarray(
      Array.from({ length: width }, (_, i) => i),
      { minLength: width, maxLength: width },
    ),
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: width, maxLength: width }),
  ),
);

describe('DigitPermutation', () => {
  it("35*07=0245: reverse emits '5420', the chain order (tens, hundreds, units, thousands) '4250'", () => {
    const reverse = new DigitPermutation({ order: chooseOrder({ strategy: 'reverse', length: 4 }) });
    expect(reverse.width).toBe(4);
    expect(reverse.apply('0245')).toBe('5420');
    expect(reverse.invert('5420')).toBe('0245');
    const chain = new DigitPermutation({ order: [2, 1, 3, 0] });
    expect(chain.apply('0245')).toBe('4250');
    expect(chain.invert('4250')).toBe('0245');
    expect(chain.order.strategy).toBe('custom');
  });

  it('invert(apply(x)) === x for every 2×2 product answer under all 24 orders of 4 digits', () => {
    const answers = arithmeticGrid('*', 2, 4).map((s) => s.target as string);
    for (const order of permutations(4)) {
      const t = new DigitPermutation({ order });
      for (const answer of answers) {
        if (t.invert(t.apply(answer)) !== answer) throw new Error(`${order}: ${answer}`);
      }
    }
    expect(permutations(4)).toHaveLength(24);
  });

  it('invert(apply(x)) === x and apply(invert(y)) === y for random widths, orders and digit strings', () => {
    fc.assert(
      fc.property(widthAndOrder, ([order, digits]) => {
        const t = new DigitPermutation({ order });
        expect(t.invert(t.apply(digits))).toBe(digits);
        expect(t.apply(t.invert(digits))).toBe(digits);
      }),
    );
  });

  it('bad answers name the field: wrong width, a non-digit, not a string', () => {
    const t = new DigitPermutation({ order: [3, 2, 1, 0] });
    const width = errorOf(() => t.apply('245'));
    expect(width).toMatchObject({ code: 'INVALID_INPUT', field: 'answer' });
    expect(width.message).toMatch(/3 characters but the answer width is 4/);
    const digit = errorOf(() => t.invert('02a5'));
    expect(digit).toMatchObject({ code: 'INVALID_INPUT', field: 'emitted' });
    expect(digit.message).toMatch(/character 2 \("a"\) of "02a5" is not a digit/);
    expect(errorOf(() => t.apply(245 as never)).field).toBe('answer');
    expect(errorOf(() => new DigitPermutation({ order: [0, 0] })).field).toBe('order[1]');
    expect(errorOf(() => new DigitPermutation({ order: { positions: [1] } as never })).field).toBe(
      'order.positions[0]',
    );
  });
});

describe('DigitPermutation JSON', () => {
  const data = encodeTargets({ samples: arithmeticGrid('*', 2, 4) });
  const chosen = chooseOrder({ strategy: 'max-mi-chain', data, estimator: 'exact' });
  const transform = new DigitPermutation({ order: chosen });

  it('round-trips through JSON text with its provenance, and maps answers the same way', () => {
    const restored = transformFromJSON(JSON.stringify(transform));
    expect(restored).toBeInstanceOf(DigitPermutation);
    expect(restored.toJSON()).toEqual(transform.toJSON());
    expect(restored.toJSON()).toMatchObject({
      format: '@beyond-ntp/target-reorder-mi/transform',
      version: 1,
      kind: 'digit-permutation',
      order: { positions: [2, 1, 3, 0], strategy: 'max-mi-chain', estimator: 'exact', source: 'whole' },
    });
    expect((restored as DigitPermutation).invert(transform.apply('0245'))).toBe('0245');
    const token = new DigitPermutation({
      order: chooseOrder({ strategy: 'max-mi-greedy', data, source: { token: 4 } }),
    });
    expect(DigitPermutation.fromJSON(token.toJSON()).order.source).toEqual({ token: 4 });
  });

  it('rejects damaged JSON, naming the path', () => {
    const json = transform.toJSON();
    const damaged = (patch: object) => errorOf(() => transformFromJSON({ ...json, ...patch }));
    expect(damaged({ order: { ...json.order, positions: [2, 2, 3, 0] } })).toMatchObject({
      code: 'INVALID_JSON',
      field: 'transform.order.positions[1]',
    });
    expect(damaged({ order: { ...json.order, strategy: 'magic' } }).field).toBe('transform.order.strategy');
    expect(damaged({ order: { ...json.order, scores: [1] } }).field).toBe('transform.order.scores');
    expect(damaged({ order: { ...json.order, source: { token: -1 } } }).field).toBe(
      'transform.order.source.token',
    );
    expect(damaged({ order: { ...json.order, estimator: 3 } }).field).toBe('transform.order.estimator');
    expect(damaged({ format: 'other' }).field).toBe('transform.format');
    expect(damaged({ version: 2 }).field).toBe('transform.version');
    expect(damaged({ kind: 'rotation' }).field).toBe('transform.kind');
    expect(errorOf(() => DigitPermutation.fromJSON({ ...json, kind: 'label-order' })).field).toBe(
      'transform.kind',
    );
    expect(errorOf(() => transformFromJSON('{"format":')).field).toBe('transform');
    expect(errorOf(() => transformFromJSON([])).field).toBe('transform');
  });
});
