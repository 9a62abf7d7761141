import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { accumulateGradients } from './accumulate.js';
import { countingBatch, createBigram } from './test-helpers/bigram.js';

describe('accumulateGradients', () => {
  const shape = { batch: 2, time: 5, vocabSize: 11 };

  it('over k micro-batches equals the gradient of one batch k times larger', () => {
    const model = createBigram({ vocabSize: 11, dim: 4 });
    const micro = [0, 1, 2].map((m) => countingBatch(3, m, shape));
    const big = {
      ids: tf.concat(micro.map((b) => b.ids)) as tf.Tensor2D,
      targets: tf.concat(micro.map((b) => b.targets)) as tf.Tensor2D,
    };
    const context = { training: true, step: 0, seed: 0 };
    const accumulated = accumulateGradients(
      model.params,
      (m) => model.loss(micro[m] as typeof big, context),
      3,
    );
    const whole = accumulateGradients(model.params, () => model.loss(big, context), 1);
    expect(accumulated.loss.dataSync()[0]).toBeCloseTo(whole.loss.dataSync()[0] as number, 5);
    expect(Object.keys(accumulated.grads).sort()).toEqual(['head.bias', 'head.weight', 'wte.weight']);
    for (const name of Object.keys(whole.grads)) {
      const diff = tf.max(
        tf.abs(tf.sub(accumulated.grads[name] as tf.Tensor, whole.grads[name] as tf.Tensor)),
      );
      expect(diff.dataSync()[0], name).toBeLessThan(1e-6);
    }
    tf.dispose([accumulated.loss, accumulated.grads, whole.loss, whole.grads, micro, big]);
    model.dispose();
  });

  it('frees every micro-batch and intermediate; only the result remains', () => {
    const model = createBigram({ vocabSize: 11, dim: 4 });
    const before = tf.memory().numTensors;
    const result = accumulateGradients(
      model.params,
      (m) => model.loss(countingBatch(0, m, shape), { training: true, step: 0, seed: 0 }),
      4,
    );
    expect(tf.memory().numTensors).toBe(before + 4); // loss + three gradients
    tf.dispose([result.loss, result.grads]);
    model.dispose();
  });

  it('keeps the gradient of a parameter only some micro-batches reach', () => {
    const params = { a: tf.variable(tf.scalar(2)), b: tf.variable(tf.scalar(3)) };
    // Micro-batch 0 uses a and b, micro-batch 1 only a: d/db of the mean is 1/2.
    const { loss, grads } = accumulateGradients(
      params,
      (m) => (m === 0 ? tf.mul(params.a, params.b) : tf.mul(params.a, 1)) as tf.Scalar,
      2,
    );
    expect(loss.dataSync()[0]).toBeCloseTo(4, 6);
    expect(grads.a?.dataSync()[0]).toBeCloseTo(2, 6);
    expect(grads.b?.dataSync()[0]).toBeCloseTo(1, 6);
    tf.dispose([loss, grads, Object.values(params)]);
  });

  it('frees its running sums when a micro-batch throws', () => {
    const model = createBigram({ vocabSize: 11, dim: 4 });
    const before = tf.memory().numTensors;
    const lossOf = (m: number) => {
      if (m === 2) throw new Error('bad batch');
      return model.loss(countingBatch(0, m, shape), { training: true, step: 0, seed: 0 });
    };
    expect(() => accumulateGradients(model.params, lossOf, 3)).toThrow('bad batch');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects a non-positive micro-batch count', () => {
    const model = createBigram({ vocabSize: 3, dim: 2 });
    expect(() => accumulateGradients(model.params, () => tf.scalar(0), 0)).toThrow(/accumulate/);
    model.dispose();
  });
});
