import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeValue } from './describe-value.js';

it('describes values as short literals', () => {
  expect(describeValue(undefined)).toBe('nothing');
  expect(describeValue(null)).toBe('null');
  expect(describeValue(-1.5)).toBe('-1.5');
  expect(describeValue(10n)).toBe('10n');
  expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
  expect(describeValue('ab')).toBe('"ab"');
  expect(describeValue(() => 1)).toBe('a function');
  expect(describeValue(Object.create(null))).toBe('{}');
  expect(describeValue({ a: 1, b: [1, 2] })).toBe('{"a": 1, "b": [1, 2]}');
  expect(describeValue([1, 2, 3, 4, 5, 6])).toBe('[1, 2, 3, 4, … 6 items]');
  expect(describeValue(new Float32Array(3))).toBe('a Float32Array');
});

it('cuts a 50 MB string to its first characters and its length', () => {
  const text = describeValue('x'.repeat(50_000_000));
  expect(text).toBe(`"${'x'.repeat(60)}"… (50000000 characters)`);
});

it('stays two levels deep on a 100,000-deep array', () => {
  let deep: unknown = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(describeValue(deep)).toBe('[[[1 items]]]');
});

it('never throws and never exceeds maxLength + 1 characters', () => {
  const hostile = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('trap');
      },
    },
  );
  expect(describeValue(hostile)).toBe('an unreadable value');
  fc.assert(
    fc.property(fc.anything({ withBigInt: true, withNullPrototype: true, withTypedArray: true }), (value) => {
      expect(describeValue(value, 50).length).toBeLessThanOrEqual(51);
    }),
  );
});
