import { parameterMatched } from '@beyond-ntp/losses-multitoken';
import { createModel, type TransformerModel } from '@beyond-ntp/transformer-core';

/** Padding id of the tiny multi-token tests. */
export const PAD = 0;
const VOCAB = 12;

/** A 2-token model small enough for tests (3-block baseline, d = 16), initialised from `seed`. */
export function tinyTwoTokenModel(seed: number, dropout = 0): TransformerModel {
  const config = { vocabSize: VOCAB, contextLength: 16, dModel: 16, nLayers: 3, nHeads: 2, dropout };
  return createModel(parameterMatched({ config, heads: 2 }), { seed });
}

/**
 * Batch `step`: `rows` rows of pseudo-random ids of lengths 3..10 (so the halves of a batch score different
 * numbers of positions), right-padded with {@link PAD}.
 */
export function paddedBatch(step: number, rows = 5): { ids: number[][] } {
  let state = (step * 7919 + 17) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const lines = Array.from({ length: rows }, () =>
    Array.from({ length: 3 + Math.floor(next() * 8) }, () => 1 + Math.floor(next() * (VOCAB - 1))),
  );
  const width = Math.max(...lines.map((line) => line.length));
  return { ids: lines.map((line) => [...line, ...new Array<number>(width - line.length).fill(PAD)]) };
}
