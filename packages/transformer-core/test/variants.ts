import type { ModelConfigInput } from '../src/config.js';

/** Tiny configs that together cover every option: positions, norms, tying, head types and counts. */
export const VARIANTS: Array<[string, ModelConfigInput]> = [
  [
    'learned + layernorm + tied + 2 transformer heads',
    {
      vocabSize: 11,
      contextLength: 12,
      dModel: 8,
      nLayers: 2,
      nHeads: 2,
      heads: { count: 2, type: 'transformer' },
    },
  ],
  [
    'rope + rmsnorm + untied + 2 linear heads',
    {
      vocabSize: 11,
      contextLength: 12,
      dModel: 8,
      nLayers: 2,
      nHeads: 2,
      positional: 'rope',
      norm: 'rmsnorm',
      tieEmbeddings: false,
      heads: { count: 2, type: 'linear' },
    },
  ],
  [
    'rope + layernorm + untied + 1 transformer head',
    {
      vocabSize: 11,
      contextLength: 12,
      dModel: 8,
      nLayers: 3,
      nHeads: 4,
      positional: 'rope',
      tieEmbeddings: false,
    },
  ],
  [
    'learned + rmsnorm + tied + 1 linear head',
    {
      vocabSize: 11,
      contextLength: 12,
      dModel: 8,
      nLayers: 1,
      nHeads: 1,
      norm: 'rmsnorm',
      heads: { type: 'linear' },
    },
  ],
];

/** All head indices of a config. */
export const allHeads = (config: ModelConfigInput): number[] =>
  Array.from({ length: config.heads?.count ?? 1 }, (_, i) => i);
