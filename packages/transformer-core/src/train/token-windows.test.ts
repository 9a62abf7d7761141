import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createModel } from '../model.js';
import { crossEntropy } from './cross-entropy.js';
import { InvalidTrainingArgumentError } from './errors.js';
import { tokenWindows, type WindowBatch } from './token-windows.js';
import { train } from './trainer.js';

// With ids 0, 1, 2, … every id is its own position, so a window's values say exactly where it was cut.
const positions = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Throws unless every row is `length` consecutive positions and its targets are the same shifted by one. */
function expectConsecutive(batch: WindowBatch, length: number) {
  expect(batch.targets).toHaveLength(batch.inputs.length);
  batch.inputs.forEach((row, b) => {
    const start = row[0] as number;
    expect(row).toEqual(positions(length).map((t) => start + t));
    expect(batch.targets[b]).toEqual(positions(length).map((t) => start + t + 1));
  });
}

describe('tokenWindows', () => {
  it('splits off the last floor(n × fraction) ids and keeps training windows inside the first part', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }), // length
        fc.integer({ min: 1, max: 5 }), // batchSize
        fc.double({ min: 0.05, max: 0.6, noNaN: true }), // heldOutFraction
        fc.integer({ min: 0, max: 300 }), // extra ids beyond the minimum
        fc.nat(1000), // seed
        fc.nat(1000), // step
        (length, batchSize, heldOutFraction, extra, seed, step) => {
          // Enough ids for one window in each part.
          const n = Math.ceil((length + 1) / Math.min(heldOutFraction, 1 - heldOutFraction)) + 1 + extra;
          const windows = tokenWindows({ ids: positions(n), length, batchSize, heldOutFraction, seed });
          expect(windows.heldOutIds).toBe(Math.floor(n * heldOutFraction));
          expect(windows.trainIds).toBe(n - windows.heldOutIds);
          const batch = windows.trainBatch(step);
          expect(batch.inputs).toHaveLength(batchSize);
          expectConsecutive(batch, length);
          for (const row of batch.targets) expect(row[length - 1]).toBeLessThan(windows.trainIds);
          for (const held of windows.heldOutBatches()) {
            expectConsecutive(held, length);
            for (const row of held.inputs) expect(row[0]).toBeGreaterThanOrEqual(windows.trainIds);
            for (const row of held.targets) expect(row[length - 1]).toBeLessThan(n);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('draws the same batch for the same seed, step and micro-batch, and others otherwise', () => {
    const options = { ids: positions(1000), length: 8, batchSize: 4 };
    const a = tokenWindows({ ...options, seed: 3 });
    const b = tokenWindows({ ...options, seed: 3 });
    expect(b.trainBatch(7, 1)).toEqual(a.trainBatch(7, 1));
    expect(a.trainBatch(7)).toEqual(a.trainBatch(7, 0));
    const starts = (batch: WindowBatch) => batch.inputs.map((row) => row[0]);
    expect(starts(a.trainBatch(8))).not.toEqual(starts(a.trainBatch(7)));
    expect(starts(a.trainBatch(7, 1))).not.toEqual(starts(a.trainBatch(7, 0)));
    expect(starts(tokenWindows({ ...options, seed: 4 }).trainBatch(7))).not.toEqual(starts(a.trainBatch(7)));
  });

  it('reaches every start position of the training part, first and last included', () => {
    // 20 training ids and windows of 4 + 1: starts 0..15.
    const windows = tokenWindows({ ids: positions(25), length: 4, batchSize: 8, heldOutFraction: 0.2 });
    expect(windows.trainIds).toBe(20);
    const seen = new Set<number>();
    for (let step = 0; step < 50; step++) {
      for (const row of windows.trainBatch(step).inputs) seen.add(row[0] as number);
    }
    expect([...seen].sort((x, y) => x - y)).toEqual(positions(16));
  });

  it('tiles the held-out ids with whole batches, spread evenly under maxBatches', () => {
    // 100 ids, 30 held out (ids 70..99): tiles of 4 start at 70, 74, …, 94 (94..98 is the last that fits).
    const windows = tokenWindows({ ids: positions(100), length: 4, batchSize: 2, heldOutFraction: 0.3 });
    const starts = (batches: WindowBatch[]) => batches.map((batch) => batch.inputs.map((row) => row[0]));
    // 7 tiles → 3 whole batches of 2; the seventh tile is left out so every batch weighs the same.
    expect(starts(windows.heldOutBatches())).toEqual([
      [70, 74],
      [78, 82],
      [86, 90],
    ]);
    expect(starts(windows.heldOutBatches({ maxBatches: 1 }))).toEqual([[70, 82]]); // tiles 0 and ⌊7·1/2⌋ = 3
    expect(windows.heldOutBatches()).toEqual(windows.heldOutBatches());
    // Fewer tiles than one batch: one short batch with all of them.
    const few = tokenWindows({ ids: positions(100), length: 4, batchSize: 16, heldOutFraction: 0.1 });
    expect(starts(few.heldOutBatches())).toEqual([[90, 94]]);
  });

  it('names the option at fault', () => {
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(InvalidTrainingArgumentError.isInstance(e)).toBe(true);
        return (e as InvalidTrainingArgumentError).message;
      }
      throw new Error('expected a throw');
    };
    expect(error(() => tokenWindows({ ids: positions(10), length: 9, batchSize: 1 }))).toBe(
      'tokenWindows.ids: the training part has 9 ids, fewer than one window of length + 1 = 10; ' +
        'use a longer text, a smaller length or another heldOutFraction',
    );
    expect(error(() => tokenWindows({ ids: positions(40), length: 8, batchSize: 1 }))).toMatch(
      /^tokenWindows\.ids: the held-out part has 4 ids/,
    );
    expect(error(() => tokenWindows({ ids: [0, 1, -2], length: 1, batchSize: 1, heldOutFraction: 0 }))).toBe(
      'tokenWindows.ids: ids[2] is -2, expected an integer id >= 0',
    );
    expect(error(() => tokenWindows({ ids: [0, 1.5], length: 1, batchSize: 1, heldOutFraction: 0 }))).toMatch(
      /ids\[1\] is 1\.5/,
    );
    expect(error(() => tokenWindows({ ids: positions(9), length: 0, batchSize: 1 }))).toMatch(
      /^tokenWindows\.length: expected an integer >= 1, got 0$/,
    );
    expect(
      error(() => tokenWindows({ ids: positions(9), length: 2, batchSize: 1, heldOutFraction: 1.5 })),
    ).toMatch(/^tokenWindows\.heldOutFraction: expected a finite number in \[0, 1\]/);
    const noHeldOut = tokenWindows({ ids: positions(9), length: 2, batchSize: 1, heldOutFraction: 0 });
    expect(noHeldOut.trainIds).toBe(9);
    expect(error(() => noHeldOut.heldOutBatches())).toMatch(/^tokenWindows\.heldOutFraction: is 0/);
    expect(error(() => noHeldOut.trainBatch(-1))).toMatch(/^trainBatch\.step: /);
  });

  it('trains a model through train() with a falling held-out loss and no growth in tensors', {
    timeout: 120_000,
  }, async () => {
    // A text the model can learn: a repeated phrase, held out at its end.
    const ids = positions(600).map((i) => (i * 7) % 11);
    const windows = tokenWindows({ ids, length: 8, batchSize: 4, seed: 1 });
    const model = createModel(
      { vocabSize: 11, contextLength: 8, dModel: 16, nLayers: 1, nHeads: 2 },
      { seed: 2 },
    );
    const lossFn = (batch: WindowBatch) =>
      tf.tidy(() => {
        const { logits } = model.forward(batch.inputs);
        return crossEntropy(logits[0] as tf.Tensor3D, tf.tensor2d(batch.targets, undefined, 'int32'));
      });
    const before = tf.memory().numTensors;
    const evalLosses: number[] = [];
    const counts: number[] = [];
    await train<WindowBatch>({
      params: model.params,
      lossFn,
      batches: (step, micro) => windows.trainBatch(step, micro),
      steps: 40,
      learningRate: 0.02,
      evaluate: { every: 20, batches: windows.heldOutBatches() },
      callbacks: [
        {
          onStep: (metrics) => {
            if (metrics.evalLoss !== undefined) evalLosses.push(metrics.evalLoss);
            counts.push(tf.memory().numTensors);
          },
        },
      ],
    });
    expect(evalLosses).toHaveLength(2);
    expect(evalLosses[1]).toBeLessThan(evalLosses[0] as number);
    expect(evalLosses[1]).toBeLessThan(Math.log(11) / 2); // far below chance: it learned the rule
    // AdamW's moments appear at the first step; from then on the count is constant.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
