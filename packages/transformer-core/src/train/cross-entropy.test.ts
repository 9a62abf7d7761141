import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy.js';
import { InvalidTrainingArgumentError } from './errors.js';

// Reference in plain JS (float64): -log softmax(z)[t], mask-weighted mean.
function referenceLoss(z: number[][], t: number[], mask?: number[]): number {
  let total = 0;
  let weight = 0;
  z.forEach((row, i) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const w = mask ? (mask[i] as number) : 1;
    total += w * (lse - (row[t[i] as number] as number));
    weight += w;
  });
  return weight === 0 ? 0 : total / weight;
}

const z = [
  [0.5, -1.2, 2.0, 0.1],
  [1.5, 0.3, -0.7, 0.0],
  [-2.0, 0.8, 0.4, 3.1],
];
const t = [2, 0, 1];

describe('crossEntropy', () => {
  it('matches the reference value for [N, V] logits', () => {
    const loss = crossEntropy(tf.tensor2d(z), tf.tensor1d(t, 'int32'));
    expect(loss.dataSync()[0]).toBeCloseTo(referenceLoss(z, t), 5);
  });

  it('takes the mask-weighted mean over [B, T, V] logits', () => {
    const z3 = tf.tensor3d([...z, [0.2, 0.2, 0.2, 0.9]].flat(), [2, 2, 4]);
    const targets = tf.tensor2d([2, 0, 1, 3], [2, 2], 'int32');
    const mask = tf.tensor2d([1, 0, 1, 1], [2, 2]);
    const expected = referenceLoss([...z, [0.2, 0.2, 0.2, 0.9]], [2, 0, 1, 3], [1, 0, 1, 1]);
    expect(crossEntropy(z3, targets, { mask }).dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('ignores whatever id a masked-out position holds', () => {
    const mask = tf.tensor1d([1, 0, 0]);
    const padded = crossEntropy(tf.tensor2d(z), tf.tensor1d([2, -1, 99], 'int32'), { mask });
    expect(padded.dataSync()[0]).toBeCloseTo(referenceLoss(z, t, [1, 0, 0]), 5);
    const grad = tf.grad((x: tf.Tensor) => crossEntropy(x, tf.tensor1d([2, -1, 99], 'int32'), { mask }))(
      tf.tensor2d(z),
    );
    expect(
      Array.from(grad.dataSync())
        .slice(4)
        .every((g) => g === 0),
    ).toBe(true);
  });

  it('gives 0, not NaN, when every position is masked', () => {
    const loss = crossEntropy(tf.tensor2d(z), tf.tensor1d(t, 'int32'), { mask: tf.zeros([3]) });
    expect(loss.dataSync()[0]).toBe(0);
  });

  it('stays finite for huge logits', () => {
    const big = z.map((row) => row.map((v) => v * 1000));
    const loss = crossEntropy(tf.tensor2d(big), tf.tensor1d(t, 'int32')).dataSync()[0] as number;
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo(referenceLoss(big, t), 0);
  });

  it('has the gradient of finite differences', () => {
    const mask = tf.tensor1d([1, 0.5, 1]);
    const targets = tf.tensor1d(t, 'int32');
    const f = (x: tf.Tensor) => crossEntropy(x, targets, { mask });
    const grad = tf.grad(f)(tf.tensor2d(z)).arraySync() as number[][];
    const eps = 1e-2;
    const weights = [1, 0.5, 1];
    const lossAt = (zz: number[][]) => referenceLoss(zz, t, weights);
    z.forEach((row, i) => {
      row.forEach((_, j) => {
        const plus = z.map((r) => [...r]);
        const minus = z.map((r) => [...r]);
        (plus[i] as number[])[j] = (row[j] as number) + eps;
        (minus[i] as number[])[j] = (row[j] as number) - eps;
        const numeric = (lossAt(plus) - lossAt(minus)) / (2 * eps);
        expect((grad[i] as number[])[j]).toBeCloseTo(numeric, 4);
      });
    });
  });

  it('has the same gradient as autodiff of the plain log-softmax formula', () => {
    const logits = tf.randomNormal([2, 5, 7], 0, 3, 'float32', 3);
    const targets = tf.tensor2d([0, 6, 3, 3, 1, 2, 5, 4, 0, 6], [2, 5], 'int32');
    const mask = tf.tensor2d([1, 1, 0, 1, 1, 0, 1, 1, 1, 1], [2, 5]);
    const plain = (x: tf.Tensor) =>
      tf.div(
        tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(targets, 7)), -1), mask))),
        tf.sum(mask),
      ) as tf.Scalar;
    const ours = tf.grad((x: tf.Tensor) => crossEntropy(x, targets, { mask }))(logits);
    const reference = tf.grad(plain)(logits);
    const diff = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0] as number;
    expect(diff).toBeLessThan(1e-6);
  });

  it('leaves no tensors behind, with or without gradients', () => {
    const logits = tf.randomNormal([4, 6]);
    const targets = tf.tensor1d([0, 1, 2, 5], 'int32');
    const before = tf.memory().numTensors;
    crossEntropy(logits, targets).dispose();
    tf.grad((x: tf.Tensor) => crossEntropy(x, targets))(logits).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad inputs naming the argument', () => {
    const logits = tf.zeros([3, 4]);
    const check = (fn: () => unknown, field: string) => {
      try {
        fn();
        expect.unreachable();
      } catch (error) {
        expect(InvalidTrainingArgumentError.isInstance(error)).toBe(true);
        expect((error as InvalidTrainingArgumentError).field).toBe(field);
      }
    };
    check(() => crossEntropy(logits, tf.tensor1d([0, 1, 2], 'float32')), 'targets');
    check(() => crossEntropy(logits, tf.tensor1d([0, 1], 'int32')), 'targets');
    check(() => crossEntropy(tf.zeros([4]), tf.tensor1d([0], 'int32')), 'logits');
    check(() => crossEntropy(logits, tf.tensor1d([0, 1, 2], 'int32'), { mask: tf.ones([2]) }), 'mask');
  });
});
