import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { chooseOrder } from '../targets/choose-order.js';
import { transformFromJSON } from './from-json.js';
import { LabelOrder } from './label-order.js';

const LABELS = ['animals', 'food', 'music', 'sport', 'outdoors', 'home'];

describe('LabelOrder', () => {
  const t = new LabelOrder({
    labels: LABELS,
    order: ['home', 'outdoors', 'sport', 'music', 'food', 'animals'],
  });

  it('emits a label set in the chosen order and inverts to canonical order', () => {
    expect(t.emitted).toEqual(['home', 'outdoors', 'sport', 'music', 'food', 'animals']);
    expect(t.order.positions).toEqual([5, 4, 3, 2, 1, 0]);
    expect(t.apply(['food', 'sport', 'outdoors'])).toEqual(['outdoors', 'sport', 'food']);
    expect(t.apply(['outdoors', 'food', 'sport'])).toEqual(['outdoors', 'sport', 'food']);
    expect(t.invert(['sport', 'outdoors', 'food'])).toEqual(['food', 'sport', 'outdoors']);
    expect(t.apply([])).toEqual([]);
  });

  it('invert(apply(x)) === x for canonical label sets, and equals x as a set for any order of x', () => {
    const subset = fc.subarray(LABELS);
    fc.assert(
      fc.property(subset, fc.shuffledSubarray(LABELS, { minLength: 6 }), (x, order) => {
        const transform = new LabelOrder({ labels: LABELS, order });
        expect(transform.invert(transform.apply(x))).toEqual(x);
        const shuffled = [...x].reverse();
        expect(transform.invert(transform.apply(shuffled))).toEqual(x);
        const emitted = transform.apply(x);
        expect(transform.apply(transform.invert(emitted))).toEqual(emitted);
      }),
    );
  });

  it('takes its order from chooseOrder on per-label presence targets: a label implied by the others goes last', () => {
    // `outdoors` is exactly `sport`, so once sport is out it carries nothing; the chain puts it last.
    const samples = [
      { words: ['cat'], labels: ['animals'] },
      { words: ['goal'], labels: ['sport', 'outdoors'] },
      { words: ['cat', 'goal'], labels: ['animals', 'sport', 'outdoors'] },
      { words: ['soup'], labels: ['food'] },
      { words: ['rain'], labels: [] },
    ].map(({ words, labels }) => ({
      source: words,
      target: ['animals', 'sport', 'outdoors', 'food'].map((l) => labels.includes(l)),
    }));
    const order = chooseOrder({ strategy: 'max-mi-chain', data: samples });
    const transform = new LabelOrder({ labels: ['animals', 'sport', 'outdoors', 'food'], order });
    expect(transform.emitted.at(-1)).toBe('outdoors');
    expect(transform.order.strategy).toBe('max-mi-chain');
  });

  it('bad input names the field: unknown and repeated labels, a non-array', () => {
    const unknown = errorOf(() => t.apply(['food', 'travel']));
    expect(unknown).toMatchObject({ code: 'INVALID_INPUT', field: 'labels[1]' });
    expect(unknown.message).toMatch(/"travel".*known: animals, food/);
    const repeated = errorOf(() => t.invert(['food', 'music', 'food']));
    expect(repeated).toMatchObject({ code: 'INVALID_INPUT', field: 'emitted[2]' });
    expect(repeated.message).toMatch(/repeats the label "food"/);
    expect(errorOf(() => t.apply('food' as never)).field).toBe('labels');
  });

  it('bad options name the field', () => {
    expect(errorOf(() => new LabelOrder({ labels: ['a', 'b', 'a'], order: [0, 1, 2] })).field).toBe(
      'labels[2]',
    );
    expect(errorOf(() => new LabelOrder({ labels: ['a', 'b'], order: ['b', 'c'] })).field).toBe('order[1]');
    expect(errorOf(() => new LabelOrder({ labels: ['a', 'b'], order: ['b', 'b'] })).field).toBe('order[1]');
    expect(errorOf(() => new LabelOrder({ labels: ['a', 'b'], order: [0, 1, 2] })).field).toBe('order');
    expect(errorOf(() => new LabelOrder({ labels: [], order: [] })).field).toBe('labels');
  });

  it('round-trips through JSON and rejects damaged JSON by path', () => {
    const restored = transformFromJSON(JSON.parse(JSON.stringify(t)));
    expect(restored).toBeInstanceOf(LabelOrder);
    expect(restored.toJSON()).toEqual(t.toJSON());
    expect((restored as LabelOrder).apply(['music', 'home'])).toEqual(['home', 'music']);
    const json = t.toJSON();
    expect(
      errorOf(() => transformFromJSON({ ...json, labels: ['a', 'a', 'b', 'c', 'd', 'e'] })),
    ).toMatchObject({
      code: 'INVALID_JSON',
      field: 'transform.labels[1]',
    });
    expect(errorOf(() => transformFromJSON({ ...json, labels: LABELS.slice(1) })).field).toBe(
      'transform.order.positions',
    );
    expect(errorOf(() => transformFromJSON({ ...json, labels: [1, 2] })).field).toBe('transform.labels[0]');
  });
});
