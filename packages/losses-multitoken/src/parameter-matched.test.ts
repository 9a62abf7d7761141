import { createModel, type ModelConfigInput } from '@beyond-ntp/transformer-core';
import { describe, expect, it } from 'vitest';
import { MultiTokenArgumentError } from './errors.js';
import { parameterMatched } from './parameter-matched.js';

const baseline: ModelConfigInput = {
  vocabSize: 40,
  contextLength: 16,
  dModel: 16,
  nLayers: 5,
  nHeads: 2,
  tieEmbeddings: false,
};

/** Weights of a model, counted from its variables, and its number of blocks on every prediction's path. */
function size(config: ModelConfigInput) {
  const model = createModel(config, { seed: 1 });
  try {
    const weights = Object.values(model.params).reduce((sum, p) => sum + p.size, 0);
    const names = Object.keys(model.params);
    return { weights, names };
  } finally {
    model.dispose();
  }
}

describe('parameterMatched', () => {
  it('gives n-head models exactly as many weights as the next-token baseline, one block per extra head', () => {
    const base = size(baseline);
    for (const heads of [1, 2, 3, 4]) {
      const config = parameterMatched({ config: baseline, heads });
      expect(config).toEqual({
        ...baseline,
        nLayers: 6 - heads,
        heads: { count: heads, type: 'transformer' },
      });
      expect(size(config).weights).toBe(base.weights);
    }
  });

  it('returns the baseline itself for one head, and keeps every other field', () => {
    const config = parameterMatched({ config: { ...baseline, heads: { count: 1 } }, heads: 1 });
    expect(config).toEqual({ ...baseline, heads: { count: 1, type: 'transformer' } });
    expect(size(config).names).toEqual(size(baseline).names);
  });

  it('refuses head counts that leave no shared block, and baselines that are not next-token models', () => {
    const fieldOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return MultiTokenArgumentError.isInstance(error) ? error.field : 'other';
      }
      return 'none';
    };
    for (const heads of [0, 5, 6, 1.5])
      expect(fieldOf(() => parameterMatched({ config: baseline, heads }))).toBe('heads');
    expect(fieldOf(() => parameterMatched({ config: { ...baseline, nLayers: 1 }, heads: 1 }))).toBe('none');
    expect(fieldOf(() => parameterMatched({ config: { ...baseline, heads: { count: 2 } }, heads: 2 }))).toBe(
      'config.heads',
    );
    expect(
      fieldOf(() => parameterMatched({ config: { ...baseline, heads: { type: 'linear' } }, heads: 2 })),
    ).toBe('config.heads');
  });
});
