import { describe, expect, it } from 'vitest';
import { toRows } from './rows.js';

describe('toRows', () => {
  it('pads and marks the target tokens only (worked by hand)', () => {
    // s = 1 2 3 | 4 5 | 0 (pad), L = 6: the targets 4, 5 are predicted from positions 2 and 3.
    const rows = toRows({ examples: [{ prompt: [1, 2, 3], target: [4, 5] }], length: 6, padId: 0 });
    expect(rows).toEqual({ ids: [[1, 2, 3, 4, 5, 0]], mask: [[0, 0, 0, 1, 1, 0]] });
  });

  it('pads examples of different lengths and masks the padding', () => {
    const rows = toRows({
      examples: [
        { prompt: [7], target: [8, 9, 10] },
        { prompt: [7, 7, 7], target: [8] },
      ],
      length: 5,
      padId: 99,
    });
    expect(rows.ids).toEqual([
      [7, 8, 9, 10, 99],
      [7, 7, 7, 8, 99],
    ]);
    expect(rows.mask).toEqual([
      [0, 1, 1, 1, 0],
      [0, 0, 0, 1, 0],
    ]);
  });

  it('refuses an example longer than the padded length, naming it', () => {
    expect(() => toRows({ examples: [{ prompt: [1, 2], target: [3, 4] }], length: 3, padId: 0 })).toThrow(
      /examples\[0\] has 4 tokens but the padded length is 3/,
    );
  });
});
