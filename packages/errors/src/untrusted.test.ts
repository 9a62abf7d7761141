import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value.js';
import { parseUntrustedJson } from './parse-json.js';

describe('describeValue', () => {
  it('renders every kind of value briefly', () => {
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue(12)).toBe('12');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue([1, 'a', [2, [3]]])).toBe('[1, "a", [2, an array of 1 items]]');
    expect(describeValue({ a: 1, 'b c': { d: {} } })).toBe('{a: 1, "b c": {d: an object}}');
    const bare = Object.assign(Object.create(null), { x: 1n });
    expect(describeValue(bare)).toBe('{x: 1n}');
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point.
    expect(describeValue([1, , 3])).toBe('[1, <hole>, 3]');
  });

  it('stays short for huge and hostile values', () => {
    const huge = describeValue('x'.repeat(50_000_000));
    expect(huge).toMatch(/^"x+…" \(50000000 chars\)$/);
    expect(huge.length).toBeLessThanOrEqual(80);
    expect(describeValue(new Array(1_000_000).fill(7)).length).toBeLessThanOrEqual(80);
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(describeValue(deep)).toBe('[[an array of 1 items]]');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('{self: {self: an object}}');
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no');
        },
      },
    );
    expect(describeValue(hostile)).toBe('an object');
  });

  it('never throws and respects maxChars (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true }), (v) => {
        expect(describeValue(v, { maxChars: 40 }).length).toBeLessThanOrEqual(40);
      }),
    );
  });
});

describe('parseUntrustedJson', () => {
  it('parses ordinary JSON', () => {
    expect(parseUntrustedJson('{"a": [1, "[[[", {"b": null}]}')).toEqual({
      ok: true,
      value: { a: [1, '[[[', { b: null }] },
    });
  });

  it('refuses deep nesting before parsing, naming where', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseUntrustedJson(deep)).toEqual({
      ok: false,
      problem: 'nests arrays and objects deeper than 64 levels (at character 64).',
    });
    expect(parseUntrustedJson('{"a":[[1]]}', { maxDepth: 2 })).toMatchObject({ ok: false });
    expect(parseUntrustedJson('{"a":[[1]]}', { maxDepth: 3 })).toMatchObject({ ok: true });
    // Brackets and escaped quotes inside strings do not count.
    expect(parseUntrustedJson('["\\"[[[[", 1]', { maxDepth: 1 })).toEqual({ ok: true, value: ['"[[[[', 1] });
  });

  it('reports bad JSON and oversized text in one bounded line', () => {
    const bad = parseUntrustedJson(`{"a": "${'x'.repeat(1_000_000)}" oops}`);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problem).toMatch(/^is not valid JSON \(/);
      expect(bad.problem.length).toBeLessThan(200);
    }
    expect(parseUntrustedJson('[1]', { maxChars: 2 })).toEqual({
      ok: false,
      problem: 'is 3 characters long; the limit is 2.',
    });
  });
});
