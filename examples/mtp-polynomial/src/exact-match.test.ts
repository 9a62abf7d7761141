import { initBackend } from '@beyond-ntp/runtime';
import { evaluatePolynomial, type PolynomialRecord } from '@beyond-ntp/synth-tasks';
import { createModel, generate } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitAccuracy, exactMatch } from './exact-match.js';
import { CONTEXT_LENGTH, heldOut, polynomialTokenizer } from './task.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const record = (ops: number, answer: string): PolynomialRecord => ({
  task: 'polynomial',
  split: 'test',
  ops,
  prompt: '~ 10000=',
  answer,
});

describe('digitAccuracy', () => {
  it('counts coefficients right in place, over the chosen operation counts only', () => {
    const records = [record(1, '60000'), record(2, '12345'), record(7, '00000')];
    expect(digitAccuracy(records, ['60001', '1234', '00000'], [1, 2])).toBe(8 / 10);
    expect(digitAccuracy(records, ['60001', '1234', '00000'], [7])).toBe(1);
    expect(digitAccuracy(records, ['60001', '1234', '00000'], [3])).toBeNaN();
  });
});

describe('exactMatch', () => {
  it("scores head 0's greedy answers per m as synth-tasks does, and leaks no tensor", () => {
    const records = heldOut(3);
    const config = {
      vocabSize: polynomialTokenizer.vocabSize,
      contextLength: CONTEXT_LENGTH,
      dModel: 8,
      nLayers: 2,
      nHeads: 2,
    };
    const model = createModel({ ...config, positional: 'rope', heads: { count: 2 } }, { seed: 5 });
    try {
      const before = tf.memory().numTensors;
      const metrics = exactMatch({ model, records, chunk: 7 });
      expect(tf.memory().numTensors).toBe(before);
      // One prompt at a time, the same answers and scores.
      const predictions = records.map((r) =>
        polynomialTokenizer.decode(
          generate(model, polynomialTokenizer.encode(r.prompt), { maxNewTokens: 5, temperature: 0 }),
        ),
      );
      const { byOps } = evaluatePolynomial({ records, predictions });
      for (let m = 1; m <= 10; m++) expect(metrics[`m${m}`]).toBe(byOps[String(m)]?.accuracy);
      const inDomain = [1, 2, 3, 4, 5].reduce((s, m) => s + (byOps[String(m)]?.accuracy ?? 0), 0) / 5;
      expect(metrics.inDomain).toBeCloseTo(inDomain, 12);
      expect(metrics.inDomainDigits).toBe(digitAccuracy(records, predictions, [1, 2, 3, 4, 5]));
    } finally {
      model.dispose();
    }
  });
});
