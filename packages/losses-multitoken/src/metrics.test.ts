import { createModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BATCHES, tinyConfig } from '../test/fixtures.js';
import type { MultiTokenBatch } from './batch.js';
import { multiTokenLoss } from './loss.js';
import { multiTokenLossFn } from './loss-fn.js';
import { multiTokenMetrics } from './metrics.js';

// Per head, on the host from model.forward's logits: Σ CE, number of hits and of scored positions, by the
// definitions (target ids[b][t + 1 + i]; scored when inside the window, not padding and kept by the mask).
function hostCounts(logits: number[][][], batch: MultiTokenBatch, head: number, padId: number) {
  const ids = batch.ids as number[][];
  const mask = batch.mask as number[][] | undefined;
  let ce = 0;
  let hits = 0;
  let positions = 0;
  ids.forEach((row, b) => {
    row.forEach((_, t) => {
      const target = row[t + 1 + head];
      if (target === undefined || target === padId || mask?.[b]?.[t + 1 + head] === 0) return;
      const z = logits[b]?.[t] as number[];
      const max = Math.max(...z);
      ce += max + Math.log(z.reduce((sum, v) => sum + Math.exp(v - max), 0)) - (z[target] as number);
      hits += z.indexOf(max) === target ? 1 : 0;
      positions += 1;
    });
  });
  return { ce, hits, positions };
}

describe.each(['transformer', 'linear'] as const)('multiTokenMetrics (%s heads)', (type) => {
  it('per-head loss and accuracy by the definition, summed over batches by position, leaving numTensors unchanged', async () => {
    const model = createModel(tinyConfig(3, type), { seed: 6 });
    const objective = { model, padId: 0, weights: [1, 0.5, 0.25] };
    const before = tf.memory().numTensors;
    const metrics = await multiTokenMetrics({ ...objective, batches: BATCHES });
    expect(tf.memory().numTensors).toBe(before);

    const counts = [0, 1, 2].map((head) =>
      BATCHES.map((batch) => {
        const logits = tf.tidy(() => model.forward(batch.ids, { heads: [head] }).logits[0]?.arraySync());
        return hostCounts(logits as number[][][], batch, head, 0);
      }),
    );
    metrics.heads.forEach((m, head) => {
      const [a, b] = counts[head] as [ReturnType<typeof hostCounts>, ReturnType<typeof hostCounts>];
      expect(m.head).toBe(head);
      expect(m.positions).toBe(a.positions + b.positions);
      expect(m.loss).toBeCloseTo((a.ce + b.ce) / m.positions, 5);
      expect(m.accuracy).toBeCloseTo((a.hits + b.hits) / m.positions, 6);
    });
    // Head i scores tokens i + 1 … 6 of each 7-token row, except padding (id 0) and the masked token 3 of batch
    // 0's row 1. Rows in order (batch 0 rows 0, 1; batch 1 rows 0, 1): head 0 4 + 5 + 6 + 4, head 1 3 + 4 + 5 + 3,
    // head 2 2 + 3 + 4 + 2.
    expect(metrics.heads.map((m) => m.positions)).toEqual([19, 15, 11]);
    expect(metrics.loss).toBeCloseTo(
      metrics.heads.reduce((sum, m, j) => sum + (objective.weights[j] as number) * m.loss, 0),
      6,
    );
    model.dispose();
  });

  it("on one batch, its loss is multiTokenLossFn's evaluation value and each head's is multiTokenLoss's", async () => {
    const model = createModel(tinyConfig(3, type), { seed: 7 });
    const objective = { model, heads: [2, 0], weights: [2, 1], padId: 0 };
    const batch = BATCHES[0] as MultiTokenBatch;
    const metrics = await multiTokenMetrics({ ...objective, batches: [batch] });
    const lossFnValue = tf.tidy(
      () => multiTokenLossFn(objective)(batch, { training: false, step: 0, seed: 0 }).dataSync()[0],
    );
    expect(metrics.loss).toBeCloseTo(lossFnValue as number, 5);
    for (const m of metrics.heads) {
      const alone = tf.tidy(() => {
        const logits = model.forward(batch.ids, { heads: [m.head] }).logits;
        return multiTokenLoss({ logits, batch, heads: [m.head], padId: 0 }).dataSync()[0];
      });
      expect(m.loss).toBeCloseTo(alone as number, 5);
    }
    model.dispose();
  });
});

describe('multiTokenMetrics edge cases', () => {
  it('a head that scores no position reports loss 0 and accuracy NaN; no batches is an error', async () => {
    const model = createModel(tinyConfig(3, 'linear'));
    // Windows of 2 tokens: head 0 scores position 0, heads 1 and 2 predict past the window everywhere.
    const metrics = await multiTokenMetrics({ model, batches: [{ ids: [[1, 2]] }] });
    expect(metrics.heads.map((m) => m.positions)).toEqual([1, 0, 0]);
    expect(metrics.heads[1]?.loss).toBe(0);
    expect(metrics.heads[1]?.accuracy).toBeNaN();
    expect(metrics.loss).toBe(metrics.heads[0]?.loss);
    const before = tf.memory().numTensors;
    await expect(multiTokenMetrics({ model, batches: [] })).rejects.toThrow(/^batches: produced no batches/);
    await expect(multiTokenMetrics({ model, batches: [{ ids: [[1, 99]] }] })).rejects.toThrow(
      /^batch.ids: id 99/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
