import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceMismatches, maxAbsDiff, randn } from '../../test/gradcheck.js';
import { crossEntropy } from './cross-entropy.js';
import { InvalidTrainingArgumentError, NonFiniteLossError } from './errors.js';
import { createBigram } from './test-helpers/bigram.js';
import { train } from './trainer.js';

// Reference in plain JS (float64): -log softmax(z)[t] per row.
function referenceRows(z: number[][], t: number[]): number[] {
  return z.map((row, i) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return lse - (row[t[i] as number] as number);
  });
}

// Mask-weighted mean of the reference rows.
function referenceLoss(z: number[][], t: number[], mask?: number[]): number {
  const weights = mask ?? z.map(() => 1);
  const weight = weights.reduce((a, b) => a + b, 0);
  const total = referenceRows(z, t).reduce((s, l, i) => s + (weights[i] as number) * l, 0);
  return weight === 0 ? 0 : total / weight;
}

// The plain log-softmax formula, autodiffed by tfjs: the naive path the hand-written gradient must match.
function plainRows(x: tf.Tensor, targets: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const vocabSize = x.shape[x.rank - 1] as number;
  return tf.mul(tf.neg(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(targets, vocabSize)), -1)), mask);
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
  describe("reduction 'none' and 'sum'", () => {
    const logits = () => randn([2, 5, 7], 3, 3);
    const targets = [
      [0, 6, 3, 3, 1],
      [2, 5, 4, 0, 6],
    ];
    const mask = [
      [1, 1, 0, 1, 0.5],
      [0, 1, 1, 1, 1],
    ];

    it("'none' gives mask·loss per position, shaped like the targets", () => {
      tf.tidy(() => {
        const x = logits();
        const perToken = crossEntropy(x, tf.tensor2d(targets, undefined, 'int32'), {
          mask: tf.tensor2d(mask),
          reduction: 'none',
        });
        expect(perToken.shape).toEqual([2, 5]);
        const z = x.arraySync() as number[][][];
        const expected = z.map((batchRow, b) =>
          referenceRows(batchRow, targets[b] as number[]).map(
            (l, t) => l * ((mask[b] as number[])[t] as number),
          ),
        );
        const got = perToken.arraySync() as number[][];
        got.flat().forEach((v, i) => {
          expect(v).toBeCloseTo(expected.flat()[i] as number, 5);
        });
        // [N, V] logits give [N].
        const flat = crossEntropy(tf.reshape(x, [10, 7]), targets.flat(), { reduction: 'none' });
        expect(flat.shape).toEqual([10]);
      });
    });

    it("'sum' is the mask-weighted sum and 'mean' that sum over Σ mask", () => {
      tf.tidy(() => {
        const x = logits();
        const t = tf.tensor2d(targets, undefined, 'int32');
        const m = tf.tensor2d(mask);
        const none = crossEntropy(x, t, { mask: m, reduction: 'none' });
        const sum = crossEntropy(x, t, { mask: m, reduction: 'sum' }).dataSync()[0] as number;
        const mean = crossEntropy(x, t, { mask: m }).dataSync()[0] as number;
        expect(sum).toBeCloseTo(tf.sum(none).dataSync()[0] as number, 5);
        expect(mean).toBeCloseTo(sum / 7.5, 5);
      });
    });

    it('has the gradient of finite differences for every reduction, with a non-uniform upstream gradient', () => {
      const t = tf.tensor2d(targets, undefined, 'int32');
      const m = tf.tensor2d(mask);
      const upstream = randn([2, 5], 9);
      const x = logits();
      for (const f of [
        (z: tf.Tensor) =>
          tf.sum(tf.mul(crossEntropy(z, t, { mask: m, reduction: 'none' }), upstream)) as tf.Scalar,
        (z: tf.Tensor) => tf.mul(crossEntropy(z, t, { mask: m, reduction: 'sum' }), 0.7) as tf.Scalar,
        (z: tf.Tensor) => crossEntropy(z, t, { mask: m }),
      ]) {
        expect(finiteDifferenceMismatches(f, [x], { samples: 24 })).toEqual([]);
      }
      tf.dispose([t, m, upstream, x]);
    });

    it('has the gradient of the plain log-softmax formula for every reduction (to 1e-6)', () => {
      tf.tidy(() => {
        const t = tf.tensor2d(targets, undefined, 'int32');
        const m = tf.tensor2d(mask);
        const x = logits();
        const dy = randn([2, 5], 4);
        const vjp = (f: (z: tf.Tensor) => tf.Tensor, dyOf?: tf.Tensor) =>
          tf.grads((z: tf.Tensor) => f(z))([x], dyOf)[0] as tf.Tensor;
        const none = vjp((z) => crossEntropy(z, t, { mask: m, reduction: 'none' }), dy);
        expect(
          maxAbsDiff(
            none,
            vjp((z) => plainRows(z, t, m), dy),
          ),
        ).toBeLessThan(1e-6);
        const sum = vjp((z) => crossEntropy(z, t, { mask: m, reduction: 'sum' }));
        expect(
          maxAbsDiff(
            sum,
            vjp((z) => tf.sum(plainRows(z, t, m))),
          ),
        ).toBeLessThan(1e-6);
      });
    });

    it('leaves no tensors behind for array inputs and per-position output', () => {
      const x = logits();
      const before = tf.memory().numTensors;
      crossEntropy(x, targets, { mask, reduction: 'none' }).dispose();
      crossEntropy(x, targets, { mask, reduction: 'sum' }).dispose();
      tf.grad((z: tf.Tensor) => crossEntropy(z, targets, { mask }))(x).dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  });

  describe('invalid targets at kept positions', () => {
    const V = 4;

    it('from a tensor: NaN loss and gradient at that position only, no device read needed', () => {
      tf.tidy(() => {
        const x = tf.tensor2d(z);
        for (const bad of [V, -1, 99]) {
          const targets = tf.tensor1d([2, bad, 1], 'int32');
          expect(Number.isNaN(crossEntropy(x, targets).dataSync()[0])).toBe(true);
          expect(Number.isNaN(crossEntropy(x, targets, { reduction: 'sum' }).dataSync()[0])).toBe(true);
          const perToken = Array.from(crossEntropy(x, targets, { reduction: 'none' }).dataSync());
          expect(perToken.map(Number.isNaN)).toEqual([false, true, false]);
          const grad = tf
            .grad((zz: tf.Tensor) => crossEntropy(zz, targets))(x)
            .arraySync() as number[][];
          expect(grad.map((row) => row.every(Number.isNaN))).toEqual([false, true, false]);
        }
        // Target V = 4 once gave a finite loss (it was clamped to V - 1); a masked-out one still does.
        const masked = crossEntropy(x, tf.tensor1d([2, V, 1], 'int32'), { mask: tf.tensor1d([1, 0, 1]) });
        expect(masked.dataSync()[0]).toBeCloseTo(referenceLoss(z, [2, 0, 1], [1, 0, 1]), 5);
      });
    });

    it('from arrays: a clear error naming the position, before anything runs', () => {
      const x = tf.tensor2d(z);
      const x3 = tf.reshape(x, [1, 3, 4]);
      const before = tf.memory().numTensors;
      const messageOf = (fn: () => unknown): string => {
        try {
          fn();
        } catch (error) {
          expect(InvalidTrainingArgumentError.isInstance(error)).toBe(true);
          expect((error as InvalidTrainingArgumentError).field).toBe('targets');
          return (error as Error).message;
        }
        return 'no error';
      };
      expect(messageOf(() => crossEntropy(x, [2, V, 1]))).toBe(
        "targets: id 4 at [1] is not an integer in [0, 4) (the logits' last axis); mask the position out or fix the id",
      );
      expect(messageOf(() => crossEntropy(x3, [[2, 0, -1]]))).toMatch(/^targets: id -1 at \[0, 2\] /);
      expect(messageOf(() => crossEntropy(x, [2, 0.5, 1]))).toMatch(/id 0.5 at \[1\]/);
      expect(tf.memory().numTensors).toBe(before);
      // An array mask that drops the position allows any id there, as with tensors.
      const masked = crossEntropy(x, [2, -1, 1], { mask: [1, 0, 1] });
      expect(masked.dataSync()[0]).toBeCloseTo(referenceLoss(z, [2, 0, 1], [1, 0, 1]), 5);
      tf.dispose([x, x3, masked]);
    });

    it('from arrays with a tensor mask: a dropped position may hold any id, a kept bad one is NaN', () => {
      tf.tidy(() => {
        const logits = tf.zeros([1, 2, 5]);
        const arrayMask = crossEntropy(logits, [[1, -1]], { mask: [[1, 0]] });
        const tensorMask = crossEntropy(logits, [[1, -1]], { mask: tf.tensor2d([[1, 0]]) });
        expect(tensorMask.dataSync()[0]).toBeCloseTo(Math.log(5), 6);
        expect(tensorMask.dataSync()[0]).toBe(arrayMask.dataSync()[0]);
        // The host cannot read a tensor mask, so a kept id out of range takes the tensor path: NaN at its position.
        const perToken = crossEntropy(logits, [[5, -1]], { mask: tf.tensor2d([[1, 0]]), reduction: 'none' });
        expect(Array.from(perToken.dataSync()).map(Number.isNaN)).toEqual([true, false]);
        // What int32 conversion would change unseen is still refused on the host, wherever it is.
        for (const bad of [0.5, Number.NaN, 2 ** 32 + 1]) {
          expect(() => crossEntropy(logits, [[1, bad]], { mask: tf.tensor2d([[1, 0]]) })).toThrow(
            `targets: id ${bad} at [0, 1] is not an int32 integer`,
          );
        }
      });
    });

    it('stop train() at the step whose batch holds one, before the update is applied', async () => {
      const model = createBigram({ vocabSize: V, dim: 3 });
      const before = (model.params['head.weight'] as tf.Variable).arraySync();
      const batchAt = (step: number) => ({
        ids: tf.tensor2d([[0, 1, 2]], undefined, 'int32'),
        targets: tf.tensor2d([[1, 2, step === 2 ? V : 3]], undefined, 'int32'),
      });
      let weightsBeforeBadStep: unknown;
      const error = await train({
        params: model.params,
        lossFn: model.loss,
        batches: batchAt,
        steps: 5,
        callbacks: [
          {
            onStep: ({ step }) => {
              if (step === 2) weightsBeforeBadStep = (model.params['head.weight'] as tf.Variable).arraySync();
            },
          },
        ],
      }).catch((e: unknown) => e);
      expect(NonFiniteLossError.isInstance(error) && error.step).toBe(3);
      expect(before).not.toEqual(weightsBeforeBadStep);
      expect((model.params['head.weight'] as tf.Variable).arraySync()).toEqual(weightsBeforeBadStep);
      model.dispose();
    });
  });
});
