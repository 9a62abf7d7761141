import { describe, expect, it } from 'vitest';
import { multiplicationSplit } from './arithmetic-task.js';
import { chooseOrders } from './orders.js';

// Natural positions of a 4-digit product: 0 = thousands, 1 = hundreds, 2 = tens, 3 = units.
describe('chooseOrders on the 2×2 training split', () => {
  const split = multiplicationSplit({ digits: 2, trainCount: 8000, testCount: 2000 });
  const samples = split.train.map((r) => ({ source: r.prompt, target: r.answer }));
  const orders = chooseOrders({
    samples,
    kinds: ['plain', 'reverse', 'mi-chain', 'mi-sum', 'random'],
    controlSeed: 'test-control',
  });
  const byKind = Object.fromEntries(orders.map((o) => [o.kind, o]));

  it("gives the digest's full-grid orders on the 8,000 training problems (plug-in)", () => {
    expect(byKind.plain?.order.positions).toEqual([0, 1, 2, 3]);
    expect(byKind.reverse?.order.positions).toEqual([3, 2, 1, 0]);
    expect(byKind['mi-chain']?.order.positions).toEqual([2, 1, 3, 0]);
    expect(byKind['mi-sum']?.order.positions).toEqual([3, 0, 1, 2]);
  });

  it('records what produced each MI order', () => {
    expect(byKind['mi-chain']?.description).toBe('max-mi-chain (whole input, plug-in): 2 1 3 0');
    expect(byKind['mi-sum']?.order).toMatchObject({
      strategy: 'max-mi-greedy',
      source: 'sum',
      estimator: 'plug-in',
    });
  });

  it('the random control is a fixed permutation distinct from every other order', () => {
    const control = byKind.random?.order.positions ?? [];
    expect([...control].sort()).toEqual([0, 1, 2, 3]);
    const others = orders.filter((o) => o.kind !== 'random').map((o) => o.order.positions.join(','));
    expect(others).not.toContain(control.join(','));
    const again = chooseOrders({
      samples,
      kinds: ['plain', 'reverse', 'mi-chain', 'mi-sum', 'random'],
      controlSeed: 'test-control',
    });
    expect(again.at(-1)?.order.positions).toEqual(control);
  });
});
