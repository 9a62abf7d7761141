import { BeyondNtpError } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MultiTokenArgumentError } from './errors.js';
import { multiTokenLoss } from './loss.js';

// V = 3, one row of T = 3 tokens, two heads. Head 0 scores t = 0 (target ids[1] = 2) and t = 1 (target
// ids[2] = 1); head 1 scores t = 0 (target ids[2] = 1). Every other position's target lies past the window.
const ids = [[0, 2, 1]];
const head0 = [
  [0, 0, 0],
  [1, 2, 3],
  [5, 0, 0], // t = 2: past the window, must not count
];
const head1 = [
  [0, 0, Math.LN2],
  [9, 0, 0], // past the window
  [0, 9, 0], // past the window
];
// By hand, CE = logSumExp(z) − z[target]:
//   head 0, t = 0: z = [0, 0, 0], target 2:  ln 3 − 0                                   = 1.0986123
//   head 0, t = 1: z = [1, 2, 3], target 1:  3 + ln(1 + e⁻¹ + e⁻²) − 2 = 3.4076059 − 2   = 1.4076059
//   head 1, t = 0: z = [0, 0, ln 2], target 1:  ln(1 + 1 + 2) − 0 = ln 4               = 1.3862944
// L_0 = (1.0986123 + 1.4076059) / 2 = 1.2531091 (mean over its 2 scored positions), L_1 = 1.3862944.
const CE_00 = Math.log(3);
const CE_01 = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2)) - 2;
const CE_10 = Math.log(4);

function lossOf(options: Omit<Parameters<typeof multiTokenLoss>[0], 'logits'>): number {
  return tf.tidy(() => {
    const logits = [tf.tensor3d([head0]), tf.tensor3d([head1])];
    return multiTokenLoss({ logits, ...options }).dataSync()[0] as number;
  });
}

describe('multiTokenLoss on a case computed by hand', () => {
  it('is the sum over heads of each head mean cross-entropy: 1.2531091 + 1.3862944 = 2.6394035', () => {
    expect(CE_01).toBeCloseTo(1.4076059, 6);
    expect(lossOf({ batch: { ids } })).toBeCloseTo((CE_00 + CE_01) / 2 + CE_10, 5);
    expect(lossOf({ batch: { ids } })).toBeCloseTo(2.6394035, 5);
  });

  it('weights each head: 1 · 1.2531091 + 0.5 · 1.3862944 = 1.9462563', () => {
    expect(lossOf({ batch: { ids }, weights: [1, 0.5] })).toBeCloseTo(1.9462563, 5);
  });

  it('skips targets equal to padId: with padId 2 head 0 keeps only t = 1, 1.4076059 + 1.3862944', () => {
    expect(lossOf({ batch: { ids }, padId: 2 })).toBeCloseTo(CE_01 + CE_10, 5);
  });

  it('skips targets the batch mask drops: mask [1, 1, 0] drops token 2, so head 0 keeps t = 0 and head 1 nothing', () => {
    // Head 1 scores no position: its mean is 0, not NaN.
    expect(lossOf({ batch: { ids, mask: [[1, 1, 0]] } })).toBeCloseTo(CE_00, 5);
  });

  it('reads heads in the order given: logits of head 1 then head 0', () => {
    const swapped = tf.tidy(() => {
      const logits = [tf.tensor3d([head1]), tf.tensor3d([head0])];
      return multiTokenLoss({ logits, batch: { ids }, heads: [1, 0] }).dataSync()[0];
    });
    expect(swapped).toBeCloseTo(2.6394035, 5);
  });
});

describe('multiTokenLoss masking', () => {
  it('changing a masked target changes neither the loss nor its gradient with respect to the logits', () => {
    // Row 0 masks token 3 by the mask and token 1 by padId 0; row 1 has no masked tokens inside the window.
    const logits = [0, 1, 2].map((h) => tf.randomNormal([2, 5, 7], 0, 2, 'float32', 10 + h) as tf.Tensor3D);
    const gradOf = (batchIds: number[][]) =>
      tf.tidy(() => {
        const f = (...ls: tf.Tensor[]) =>
          multiTokenLoss({
            logits: ls as tf.Tensor3D[],
            batch: {
              ids: batchIds,
              mask: [
                [1, 1, 1, 0, 1],
                [1, 1, 1, 1, 1],
              ],
            },
            padId: 0,
          });
        const { value, grads } = tf.valueAndGrads(f)(logits);
        // + 0 turns −0 into 0: a masked row's gradient is (p − onehot) · 0, whose sign follows the target.
        return [value, ...grads].map((t) => Array.from(t.dataSync(), (v) => v + 0));
      });
    const before = tf.memory().numTensors;
    const reference = gradOf([
      [4, 0, 3, 2, 5],
      [1, 2, 3, 4, 5],
    ]);
    // Token 3 of row 0 (mask 0) becomes 6; token 1 stays padding: same loss, same gradients, exactly.
    expect(
      gradOf([
        [4, 0, 3, 6, 5],
        [1, 2, 3, 4, 5],
      ]),
    ).toEqual(reference);
    // A kept target does change them (the test can fail).
    expect(
      gradOf([
        [4, 0, 3, 2, 6],
        [1, 2, 3, 4, 5],
      ]),
    ).not.toEqual(reference);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(logits);
  });

  it('padId masks exactly what a mask with 0 on the padding tokens masks', () => {
    const batchIds = [
      [3, 1, 2, 0, 0],
      [2, 2, 4, 1, 0],
    ];
    const mask = batchIds.map((row) => row.map((id) => (id === 0 ? 0 : 1)));
    const [byPad, byMask] = tf.tidy(() => {
      const logits = [0, 1].map((h) => tf.randomNormal([2, 5, 6], 0, 1, 'float32', h) as tf.Tensor3D);
      return [
        multiTokenLoss({ logits, batch: { ids: batchIds }, padId: 0 }).dataSync()[0],
        multiTokenLoss({ logits, batch: { ids: batchIds, mask } }).dataSync()[0],
      ];
    });
    expect(byPad).toBe(byMask);
  });
});

describe('multiTokenLoss errors', () => {
  const fieldOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      if (MultiTokenArgumentError.isInstance(error)) return error.message;
      throw error;
    }
    return 'no error';
  };

  it('names the argument at fault and leaves no tensors', () => {
    const logits = [tf.zeros([1, 3, 3]) as tf.Tensor3D, tf.zeros([1, 3, 3]) as tf.Tensor3D];
    const before = tf.memory().numTensors;
    const run = (options: Partial<Parameters<typeof multiTokenLoss>[0]>) => () =>
      multiTokenLoss({ logits, batch: { ids }, ...options });
    expect(fieldOf(run({ logits: [] }))).toMatch(/^logits: /);
    expect(fieldOf(run({ heads: [0] }))).toMatch(/^heads: expected one head index per logits tensor \(2\)/);
    expect(fieldOf(run({ heads: [1, 1] }))).toMatch(/^heads: each head may appear once/);
    expect(fieldOf(run({ heads: [0, -1] }))).toMatch(/^heads: head -1 is not an integer ≥ 0/);
    expect(fieldOf(run({ weights: [1] }))).toMatch(/^weights: expected one weight per head \(2\)/);
    expect(fieldOf(run({ weights: [1, -1] }))).toMatch(/^weights: weight -1 is not a finite number ≥ 0/);
    expect(fieldOf(run({ padId: 3 }))).toMatch(/^padId: expected a token id, an integer in \[0, 3\)/);
    expect(fieldOf(run({ batch: { ids: [[0, 1, 3]] } }))).toMatch(
      /^batch.ids: id 3 at \[0, 2\] is not an integer in \[0, 3\)/,
    );
    expect(fieldOf(run({ batch: { ids: [[0, 1], [2]] } }))).toMatch(
      /^batch.ids: expected a tensor or a non-empty/,
    );
    expect(fieldOf(run({ batch: { ids, mask: [[1, 1]] } }))).toMatch(
      /^batch.mask: expected the shape of batch.ids \[1,3\], got \[1,2\]/,
    );
    expect(fieldOf(run({ batch: { ids, mask: [[1, Number.NaN, 1]] } }))).toMatch(
      /^batch.mask: weight NaN at \[0, 1\]/,
    );
    expect(fieldOf(run({ batch: { ids: [[0, 1]] } }))).toMatch(/^logits\[0\]: expected \[1, 2, 3\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(logits);
  });

  it('is a project error with a stable code, recognised across copies by its brand', () => {
    const error = new MultiTokenArgumentError('weights', 'expected one weight per head (2)');
    expect(BeyondNtpError.isInstance(error) && error.code).toBe('INVALID_MULTI_TOKEN_ARGUMENT');
    expect([error.name, error.field]).toEqual(['MultiTokenArgumentError', 'weights']);
    expect(MultiTokenArgumentError.isInstance({ ...error })).toBe(false);
    expect(MultiTokenArgumentError.isInstance(new Error('weights: no'))).toBe(false);
  });
});
