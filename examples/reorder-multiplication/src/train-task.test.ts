import { multiTokenLossFn } from '@beyond-ntp/losses-multitoken';
import { initBackend } from '@beyond-ntp/runtime';
import { createModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toRows } from './rows.js';
import { epochOrder, targetTokenObjective } from './train-task.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('targetTokenObjective', () => {
  it('is the mean next-token cross-entropy over target tokens, computed naively from the logits', () => {
    const model = createModel(
      { vocabSize: 9, contextLength: 6, dModel: 16, nLayers: 1, nHeads: 2 },
      { seed: 1 },
    );
    const examples = [
      { prompt: [1, 2, 3], target: [4, 5] },
      { prompt: [6], target: [7, 8, 2] },
    ];
    const rows = toRows({ examples, length: 6, padId: 0 });
    const loss = multiTokenLossFn(targetTokenObjective(model))(rows, { step: 0, training: false, seed: 0 });
    const logits = model.forward(tf.tensor2d(rows.ids, undefined, 'int32')).logits[0] as tf.Tensor3D;
    const logProbs = tf.logSoftmax(logits).arraySync() as number[][][];
    const terms: number[] = [];
    rows.ids.forEach((row, b) => {
      // Position t predicts token t + 1, scored when that token is a target token.
      for (let t = 0; t + 1 < row.length; t++) {
        if (rows.mask[b]?.[t + 1] === 1) terms.push(-(logProbs[b]?.[t]?.[row[t + 1] as number] as number));
      }
    });
    expect(terms).toHaveLength(5);
    expect(loss.dataSync()[0]).toBeCloseTo(terms.reduce((a, x) => a + x, 0) / terms.length, 5);
    tf.dispose([loss, logits]);
    model.dispose();
  });
});

describe('epochOrder', () => {
  it('draws every example exactly once per epoch, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1000 }), (count, seed) => {
        const order = epochOrder(count, seed);
        const again = epochOrder(count, seed);
        for (let epoch = 0; epoch < 3; epoch++) {
          const drawn = Array.from({ length: count }, (_, i) => order(epoch * count + i));
          expect([...drawn].sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
          expect(Array.from({ length: count }, (_, i) => again(epoch * count + i))).toEqual(drawn);
        }
      }),
      { numRuns: 50 },
    );
  });
});
