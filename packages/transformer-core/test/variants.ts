import type { ModelConfigInput } from '../src/config.js';

/** The smallest model most tests use: 11 tokens, 12 positions, width 8, 2 blocks of 2 heads. */
export const TINY = { vocabSize: 11, contextLength: 12, dModel: 8, nLayers: 2, nHeads: 2 } as const;

/** Tiny configs that together cover every option: positions, norms, tying, head types and counts. */
export const VARIANTS: Array<[string, ModelConfigInput]> = [
  ['learned + layernorm + tied + 2 transformer heads', { ...TINY, heads: { count: 2, type: 'transformer' } }],
  [
    'rope + rmsnorm + untied + 2 linear heads',
    {
      ...TINY,
      positional: 'rope',
      norm: 'rmsnorm',
      tieEmbeddings: false,
      heads: { count: 2, type: 'linear' },
    },
  ],
  [
    'rope + layernorm + untied + 1 transformer head',
    { ...TINY, nLayers: 3, nHeads: 4, positional: 'rope', tieEmbeddings: false },
  ],
  [
    'learned + rmsnorm + tied + 1 linear head',
    { ...TINY, nLayers: 1, nHeads: 1, norm: 'rmsnorm', heads: { type: 'linear' } },
  ],
];

/** All head indices of a config. */
export const allHeads = (config: ModelConfigInput): number[] =>
  Array.from({ length: config.heads?.count ?? 1 }, (_, i) => i);
