import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { arithmeticGrid } from '../../test/grids.js';
import { conditionalEntropy } from '../estimators/information.js';
import { DiscreteVariable } from '../estimators/variable.js';
import { chooseOrder, describeOrder } from './choose-order.js';
import { encodeTargets } from './target-data.js';

// Target positions of a 4-digit product: 0 = thousands, 1 = hundreds, 2 = tens, 3 = units.
describe("chooseOrder on the full 2×2 multiplication grid (the digest's orders)", () => {
  const data = encodeTargets({ samples: arithmeticGrid('*', 2, 4) });

  it('plain and reverse', () => {
    expect(chooseOrder({ strategy: 'plain', length: 4 }).positions).toEqual([0, 1, 2, 3]);
    const reverse = chooseOrder({ strategy: 'reverse', length: 4 });
    expect(reverse).toEqual({
      positions: [3, 2, 1, 0],
      strategy: 'reverse',
      estimator: null,
      source: null,
      scores: null,
      name: null,
    });
  });

  it('greedy by whole-input MI (= digit entropy): tens, hundreds, units, thousands', () => {
    const order = chooseOrder({ strategy: 'max-mi-greedy', data, source: 'whole', estimator: 'exact' });
    expect(order.positions).toEqual([2, 1, 3, 0]);
    expect(order.estimator).toBe('exact');
    expect(order.source).toBe('whole');
    expect(order.scores?.map((s) => Number(s.toFixed(3)))).toEqual([3.314, 3.299, 3.034, 2.713]);
    expect(describeOrder(order)).toBe('max-mi-greedy (whole input, exact): 2 1 3 0');
  });

  it('greedy by the sum (or max) of single-digit MI: units, thousands, hundreds, tens', () => {
    for (const source of ['sum', 'max'] as const) {
      const order = chooseOrder({ strategy: 'max-mi-greedy', data, source, estimator: 'exact' });
      expect(order.positions).toEqual([3, 0, 1, 2]);
      expect(order.source).toBe(source);
    }
  });

  it('conditional chain, maximising H(t | digits already emitted): tens, hundreds, units, thousands', () => {
    const order = chooseOrder({ strategy: 'max-mi-chain', data, estimator: 'exact' });
    expect(order.positions).toEqual([2, 1, 3, 0]);
    expect(order.strategy).toBe('max-mi-chain');
    // Each recorded score is the conditional entropy of the chosen digit given the earlier ones.
    const column = (i: number) => data.target[i] as DiscreteVariable;
    const emitted: DiscreteVariable[] = [];
    order.positions.forEach((i, k) => {
      // Before anything is emitted the condition is a constant.
      const given = emitted.length > 0 ? DiscreteVariable.joint(emitted) : new Uint8Array(data.count);
      expect(order.scores?.[k]).toBeCloseTo(conditionalEntropy({ x: column(i), given }), 10);
      emitted.push(column(i));
    });
  });

  it('a single source token as the source: the units digit of b tells most about the units of the product', () => {
    const order = chooseOrder({ strategy: 'max-mi-greedy', data, source: { token: 4 } });
    expect(order.positions[0]).toBe(3);
    expect(order.source).toEqual({ token: 4 });
    expect(describeOrder(order)).toMatch(/^max-mi-greedy \(source token 4, plug-in\): 3 /);
  });
});

describe('chooseOrder: chain versus greedy', () => {
  // Targets (X, X, Y) with H(X) = log₂ 3 > H(Y) = 1 and X, Y independent: greedy emits both copies of X first;
  // the chain sees the second copy of X carries nothing new once the first is out, and emits Y before it.
  const samples = [0, 1, 2].flatMap((x) => [0, 1].map((y) => ({ source: [x, y], target: [x, x, y] })));

  it('greedy: 0, 1, 2; chain: 0, 2, 1 with scores log₂3, 1, 0', () => {
    expect(chooseOrder({ strategy: 'max-mi-greedy', data: samples }).positions).toEqual([0, 1, 2]);
    const chain = chooseOrder({ strategy: 'max-mi-chain', data: samples, estimator: 'exact' });
    expect(chain.positions).toEqual([0, 2, 1]);
    expect(chain.scores?.[0]).toBeCloseTo(Math.log2(3), 12);
    expect(chain.scores?.[1]).toBeCloseTo(1, 12);
    expect(chain.scores?.[2]).toBeCloseTo(0, 12);
  });

  it('equal scores are ties broken towards the earlier position, whatever the summation order', () => {
    const symmetric = [0, 1].flatMap((x) => [0, 1].map((y) => ({ source: [x, y], target: [y, x] })));
    expect(chooseOrder({ strategy: 'max-mi-greedy', data: symmetric }).positions).toEqual([0, 1]);
    expect(chooseOrder({ strategy: 'max-mi-chain', data: symmetric }).positions).toEqual([0, 1]);
  });

  it('records a custom estimator by its name', () => {
    const plugIn = { name: 'my-estimator', entropy: () => 0 };
    expect(chooseOrder({ strategy: 'max-mi-chain', data: samples, estimator: plugIn }).estimator).toBe(
      'my-estimator',
    );
  });
});

describe('chooseOrder: custom orders and bad options', () => {
  it('keeps a custom permutation and its name', () => {
    const order = chooseOrder({ strategy: 'custom', positions: [1, 0, 2], name: 'hundreds first' });
    expect(order).toMatchObject({ positions: [1, 0, 2], strategy: 'custom', name: 'hundreds first' });
    expect(describeOrder(order)).toBe('custom (hundreds first): 1 0 2');
  });

  it('names the field at fault', () => {
    expect(errorOf(() => chooseOrder({ strategy: 'custom', positions: [0, 2, 2] })).field).toBe(
      'positions[2]',
    );
    expect(errorOf(() => chooseOrder({ strategy: 'custom', positions: [0, 3, 1] })).field).toBe(
      'positions[1]',
    );
    expect(errorOf(() => chooseOrder({ strategy: 'custom', positions: [] })).field).toBe('positions');
    expect(errorOf(() => chooseOrder({ strategy: 'plain', length: 0 })).field).toBe('length');
    expect(errorOf(() => chooseOrder({ strategy: 'sideways' } as never)).field).toBe('strategy');
    const data = [{ source: 'ab', target: '1' }];
    const token = errorOf(() => chooseOrder({ strategy: 'max-mi-greedy', data, source: { token: 2 } }));
    expect(token.field).toBe('source.token');
    expect(token.message).toMatch(/0\.\.1/);
    expect(errorOf(() => chooseOrder({ strategy: 'max-mi-chain', data, source: 'all' as never })).field).toBe(
      'source',
    );
  });
});
