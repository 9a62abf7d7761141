import { describe, expect, it } from 'vitest';
import { failure, TOKENS } from '../test/fixtures.js';
import { collate } from './collate.js';
import { IGNORE_LABEL } from './stages.js';

const [B, E, L] = [TOKENS.bot, TOKENS.eot, TOKENS.latent];
const _ = IGNORE_LABEL;

describe('collate', () => {
  it("aligns the first latents by left padding, then right-pads (the reference collator's layout)", () => {
    const batch = collate({
      rows: [
        { ids: [1, 2, 3, B, L, L, E, 4], labels: [_, _, _, _, _, _, _, 4] },
        { ids: [5, B, L, E, 6, 7], labels: [_, _, _, _, 6, 7] },
        { ids: [8, 9] }, // no latent: not shifted
      ],
      tokens: TOKENS,
    });
    expect(batch).toEqual({
      ids: [
        [1, 2, 3, B, L, L, E, 4],
        [0, 0, 5, B, L, E, 6, 7],
        [8, 9, 0, 0, 0, 0, 0, 0],
      ],
      labels: [
        [_, _, _, _, _, _, _, 4],
        [_, _, _, _, _, _, 6, 7],
        [_, _, _, _, _, _, _, _],
      ],
      lossMask: [
        [0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1, 1],
        [0, 0, 0, 0, 0, 0, 0, 0],
      ],
      attentionMask: [
        [1, 1, 1, 1, 1, 1, 1, 1],
        [0, 0, 1, 1, 1, 1, 1, 1],
        [1, 1, 0, 0, 0, 0, 0, 0],
      ],
      positionIds: [
        [0, 1, 2, 3, 4, 5, 6, 7],
        [0, 0, 0, 1, 2, 3, 4, 5],
        [0, 1, 0, 0, 0, 0, 0, 0],
      ],
    });
    // The pad id is the caller's; right padding may widen the batch past the aligned rows.
    const wide = collate({
      rows: [{ ids: [1, B, L, E] }, { ids: [2, B, L, E, 3, 4, 5] }],
      tokens: { ...TOKENS, pad: 11 },
    });
    expect(wide.ids).toEqual([
      [1, B, L, E, 11, 11, 11],
      [2, B, L, E, 3, 4, 5],
    ]);
  });

  it('rejects empty batches and labels that do not match their ids', () => {
    expect(() => collate({ rows: [], tokens: TOKENS })).toThrow('rows: must hold at least one row');
    expect(() => collate({ rows: [{ ids: [1, 2], labels: [1] }], tokens: TOKENS })).toThrow(
      'rows[0].labels: must have one label per id (2), got 1',
    );
    expect(failure(() => collate({ rows: [{ ids: [] }], tokens: TOKENS }))).toBe(
      'INVALID_EXAMPLE rows[0].ids: must be a non-empty array of token ids (got [])',
    );
  });
});
