import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integerProblem } from './integer-problem.js';

describe('integerProblem', () => {
  it('accepts the integers of the range, ends included', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (min, width) => {
        const max = min + width;
        for (const value of [min, max, min + Math.floor(width / 2)]) {
          expect(integerProblem(value, { min, max })).toBeUndefined();
        }
      }),
    );
    expect(integerProblem(Number.MAX_SAFE_INTEGER, { min: 0 })).toBeUndefined();
  });

  it.each([
    [0, { min: 1 }, 'expected an integer >= 1, got 0'],
    [2.5, { min: 1 }, 'expected an integer >= 1, got 2.5'],
    [4, { min: 0, max: 3 }, 'expected an integer in [0, 3], got 4'],
    [Number.NaN, { min: 0 }, 'expected an integer >= 0, got NaN'],
    [2 ** 53, { min: 0 }, 'expected an integer >= 0, got 9007199254740992'],
    ['3', { min: 0 }, 'expected an integer >= 0, got "3"'],
    [3n, { min: 0 }, 'expected an integer >= 0, got 3n'],
    [undefined, { min: 0 }, 'expected an integer >= 0, got undefined'],
  ])('%s with %j: %s', (value, range, message) => {
    expect(integerProblem(value, range)).toBe(message);
  });
});
