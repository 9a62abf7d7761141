import { multiTokenLossFn } from '@beyond-ntp/losses-multitoken';
import { initBackend } from '@beyond-ntp/runtime';
import type { TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAD, paddedBatch, tinyTwoTokenModel } from '../../test/tiny-multi-token.js';
import { KitError } from '../errors.js';
import { multiTokenParallel } from './multi-token.js';

let model: TransformerModel;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = tinyTwoTokenModel(1);
});
afterAll(() => model.dispose());

const context = { training: true, step: 0, seed: 5 };

/** Loss and gradients (by parameter name) of `loss` with respect to the model's weights, as plain numbers. */
function lossAndGrads(loss: () => tf.Scalar) {
  return tf.tidy(() => {
    const names = Object.keys(model.params);
    const { value, grads } = tf.variableGrads(loss, Object.values(model.params));
    const byName = Object.fromEntries(
      names.map((name) => [
        name,
        Array.from(grads[(model.params[name] as tf.Variable).name]?.dataSync() ?? []),
      ]),
    );
    return { loss: value.dataSync()[0] as number, grads: byName };
  });
}

const maxDiff = (a: number[], b: number[]) => Math.max(0, ...a.map((x, i) => Math.abs(x - (b[i] as number))));

describe('multiTokenParallel', () => {
  it('weighs each shard’s heads so the mean of the shards is the padded batch’s loss and gradient', () => {
    const batch = paddedBatch(4); // 5 rows of different lengths: shards of 2 and 3 rows, unequal counts
    for (const weights of [undefined, [1, 0.5]]) {
      const objective = { model, padId: PAD, ...(weights === undefined ? {} : { weights }) };
      const parallel = multiTokenParallel(objective);
      const before = tf.memory().numTensors;
      const shards = [0, 1].map((index) => parallel.shard(batch, index, 2));
      expect(tf.memory().numTensors).toBe(before);
      expect(shards.map((s) => s.batch.ids.length)).toEqual([2, 3]);
      expect(shards.flatMap((s) => s.batch.ids)).toEqual(batch.ids);
      const whole = lossAndGrads(() => multiTokenLossFn(objective)(batch, context));
      const parts = shards.map((shard) => lossAndGrads(() => parallel.loss(shard, context)));
      const [a, b] = parts as [(typeof parts)[0], (typeof parts)[0]];
      expect(Math.abs((a.loss + b.loss) / 2 - whole.loss)).toBeLessThan(1e-5);
      for (const [name, grad] of Object.entries(whole.grads)) {
        const mean = grad.map(
          (_, i) =>
            (((a.grads[name] as number[])[i] as number) + ((b.grads[name] as number[])[i] as number)) / 2,
        );
        expect(maxDiff(mean, grad), name).toBeLessThan(1e-5);
      }
      // Without the weights the shards' mean would weigh the short rows' positions more: a different loss.
      const plain = shards.map((shard) =>
        tf.tidy(() => multiTokenLossFn(objective)(shard.batch, context).dataSync()[0] as number),
      );
      expect(Math.abs(((plain[0] as number) + (plain[1] as number)) / 2 - whole.loss)).toBeGreaterThan(1e-3);
    }
  });

  it('refuses what two threads cannot train as one does, naming the field', () => {
    const parallel = multiTokenParallel({ model, padId: PAD });
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return KitError.isInstance(e) ? `${e.code} ${e.message}` : e;
      }
      return 'no error';
    };
    expect(error(() => parallel.shard({ ids: [[1, 2, 3]] }, 0, 2))).toBe(
      'INVALID_ARGUMENT batch.ids: 1 row(s) cannot be split over 2 threads; train with bigger batches or without `parallel`',
    );
    const ids = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      'int32',
    );
    expect(error(() => parallel.shard({ ids }, 0, 2))).toBe(
      'INVALID_ARGUMENT batch: two-thread training posts shards to a worker, so batches must be plain arrays, not tensors',
    );
    ids.dispose();
    const withDropout = tinyTwoTokenModel(1, 0.1);
    expect(error(() => multiTokenParallel({ model: withDropout, padId: PAD }))).toMatch(
      /^INVALID_ARGUMENT objective\.model\.config\.dropout: is 0\.1: each thread would draw its own dropout masks/,
    );
    withDropout.dispose();
  });
});
