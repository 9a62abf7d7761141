import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { ModelError } from '../errors.js';
import { createModel } from '../model.js';
import { parameterGroups, setTrainable } from '../param-groups.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import { type GradientContext, lossFnGradients, perMicroBatch } from '../train/gradient-source.js';
import { train } from '../train/trainer.js';
import { headByHeadGradients } from './head-by-head.js';
import { headGradients } from './head-gradients.js';
import {
  expectSameGradients,
  HEAD_VARIANTS,
  IDS,
  shiftedLoss,
  singleTape,
} from './test-helpers/multi-token.js';

describe.each(HEAD_VARIANTS)('headByHeadGradients: %s', (_, config) => {
  it('equals one tape over the summed head losses (1e-5), running the trunk once and each head once', () => {
    const model = createModel(config, { seed: 1 });
    const trunk = vi.spyOn(model, 'trunk');
    const head = vi.spyOn(model, 'head');
    const before = tf.memory().numTensors;
    const result = headByHeadGradients({ model, input: IDS, loss: shiftedLoss });
    expect(trunk).toHaveBeenCalledTimes(1);
    expect(head.mock.calls.map(([i]) => i)).toEqual([0, 1, 2]);
    // Only the result is left: loss, per-head losses and one gradient per weight.
    expect(tf.memory().numTensors).toBe(before + 2 + Object.keys(model.params).length);
    trunk.mockRestore();
    head.mockRestore();

    const reference = singleTape(model, [0, 1, 2]);
    expect(Object.keys(result.grads)).toEqual(Object.keys(model.params));
    expectSameGradients(result.grads, reference.grads);
    expect(result.loss.dataSync()[0]).toBeCloseTo(reference.loss.dataSync()[0] as number, 5);
    const perHead = [0, 1, 2].map((i) =>
      tf.tidy(
        () => shiftedLoss(model.forward(IDS, { heads: [i] }).logits[0] as tf.Tensor3D, i).dataSync()[0],
      ),
    );
    Array.from(result.headLosses.dataSync()).forEach((l, i) => {
      expect(l).toBeCloseTo(perHead[i] as number, 5);
    });
    tf.dispose([result.loss, result.grads, result.headLosses, reference]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('equals one tape for a subset of heads in any order, and with dropout on under the same seed', () => {
    const model = createModel({ ...config, dropout: 0.2 }, { seed: 2 });
    const run = { training: true, seed: 11 };
    const result = headByHeadGradients({ model, input: IDS, heads: [2, 0], loss: shiftedLoss, run });
    const reference = singleTape(model, [2, 0], run);
    expectSameGradients(result.grads, reference.grads);
    expect(result.headLosses.shape).toEqual([2]);
    tf.dispose([result.loss, result.grads, result.headLosses, reference]);
    model.dispose();
  });

  it('leaves frozen weights without gradient and matches one tape for the rest', () => {
    const model = createModel(config, { seed: 3 });
    const groups = parameterGroups(model);
    setTrainable({ params: model.params, names: [...groups.trunk, ...groups.shared], trainable: false });
    const result = headByHeadGradients({ model, input: IDS, loss: shiftedLoss });
    expect(Object.keys(result.grads)).toEqual(groups.heads.flat());
    const reference = singleTape(model, [0, 1, 2]);
    expectSameGradients(result.grads, reference.grads);
    tf.dispose([result.loss, result.grads, result.headLosses, reference]);
    model.dispose();
  });
});

describe.each([HEAD_VARIANTS[0], HEAD_VARIANTS[3]] as Array<(typeof HEAD_VARIANTS)[number]>)(
  "headByHeadGradients as train()'s gradients: %s",
  (_, config) => {
    it('reproduces the default one-tape losses over 20 steps with dropout (1e-5), at a constant tensor count', async () => {
      const losses: number[][] = [];
      const tensorCounts: number[] = [];
      for (const efficient of [false, true]) {
        const model = createModel({ ...config, dropout: 0.1 }, { seed: 9 });
        const curve: number[] = [];
        await train({
          params: model.params,
          // One tape over every head: what the default gradients differentiate, and what evaluation would use.
          lossFn: (_batch: null, { training, seed }) =>
            tf.addN(
              model
                .forward(IDS, { heads: [0, 1, 2], training, seed })
                .logits.map((l, i) => shiftedLoss(l, i)),
            ) as tf.Scalar,
          gradients: efficient
            ? ({ seeds }) =>
                headByHeadGradients({
                  model,
                  input: IDS,
                  loss: shiftedLoss,
                  run: { training: true, seed: seeds[0] },
                })
            : undefined,
          batches: () => null,
          steps: 20,
          learningRate: 0.01,
          callbacks: [
            {
              onStep: ({ loss }) => {
                curve.push(loss);
                if (efficient) tensorCounts.push(tf.memory().numTensors);
              },
            },
          ],
        });
        losses.push(curve);
        model.dispose();
      }
      const [oneTape, headByHead] = losses as [number[], number[]];
      expect(oneTape[19]).toBeLessThan((oneTape[0] as number) - 1); // it trains
      headByHead.forEach((loss, i) => {
        expect(Math.abs(loss - (oneTape[i] as number))).toBeLessThan(1e-5);
      });
      expect(new Set(tensorCounts).size).toBe(1);
    });
  },
);

describe.each([HEAD_VARIANTS[0], HEAD_VARIANTS[3]] as Array<(typeof HEAD_VARIANTS)[number]>)(
  'perMicroBatch(headByHeadGradients): %s',
  (_, config) => {
    it('over 2 micro-batches equals the default one tape per micro-batch (1e-5), dropout on', async () => {
      const model = createModel({ ...config, dropout: 0.1 }, { seed: 4 });
      const microBatches = [IDS, IDS.map((row) => [...row].reverse())];
      const heads = [0, 1, 2];
      const context: GradientContext<number[][]> = {
        step: 3,
        microBatches: 2,
        batch: (micro) => microBatches[micro] as number[][],
        seeds: [17, 29],
        params: model.params,
        lossFn: (ids, { training, seed }) =>
          tf.addN(
            model.forward(ids, { heads, training, seed }).logits.map((l, i) => shiftedLoss(l, i, ids)),
          ) as tf.Scalar,
      };
      const before = tf.memory().numTensors;
      const headByHead = await perMicroBatch<number[][]>((ids, { training, seed }) =>
        headByHeadGradients({
          model,
          input: ids,
          loss: (l, h) => shiftedLoss(l, h, ids),
          run: { training, seed },
        }),
      )(context);
      // Only the mean loss and one gradient per weight are left: each micro-batch's head losses are freed.
      expect(tf.memory().numTensors).toBe(before + 1 + Object.keys(model.params).length);
      const oneTape = lossFnGradients(context);
      expectSameGradients(headByHead.grads, oneTape.grads);
      expect(headByHead.loss.dataSync()[0]).toBeCloseTo(oneTape.loss.dataSync()[0] as number, 5);
      tf.dispose([headByHead.loss, headByHead.grads, oneTape.loss, oneTape.grads]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  },
);

describe('headByHeadGradients memory', () => {
  // V large next to d, so one head's logits dominate everything else a step allocates.
  const config = { vocabSize: 2048, contextLength: 8, dModel: 8, nLayers: 2, nHeads: 2, heads: { count: 4 } };
  const ids = [
    [1, 4, 2, 9, 0, 7, 3, 5],
    [3, 3, 10, 5, 6, 1, 8, 2],
  ];
  const loss = (logits: tf.Tensor3D) => tf.mean(logits) as tf.Scalar; // reads every logit
  const logitsBytes = 2 * 8 * 2048 * 4;

  it("peak bytes: each head past the second adds only its weights' gradients; one tape adds its logits", async () => {
    const model = createModel(config);
    const headBytes =
      4 *
      (parameterGroups(model).heads[1] as string[]).reduce(
        (sum, name) => sum + (model.params[name] as tf.Variable).size,
        0,
      );
    const peak = async (fn: () => tf.TensorContainer) => {
      const info = await tf.profile(fn);
      tf.dispose(info.result);
      return info.peakBytes;
    };
    const efficient = async (n: number) =>
      peak(() => {
        const r = headByHeadGradients({ model, input: ids, heads: [0, 1, 2, 3].slice(0, n), loss });
        return [r.loss, r.grads, r.headLosses];
      });
    const oneTape = async (n: number) =>
      peak(() =>
        tf.variableGrads(
          () =>
            tf.addN(model.forward(ids, { heads: [0, 1, 2, 3].slice(0, n) }).logits.map(loss)) as tf.Scalar,
        ),
      );
    const [e1, e2, e3, e4] = [await efficient(1), await efficient(2), await efficient(3), await efficient(4)];
    // From one head to two: a running sum for the shared weights' gradients appears, not a second logits tensor.
    expect((e2 as number) - (e1 as number)).toBeLessThan(logitsBytes);
    // Then each head adds its weights' gradients and its loss (one float32), nothing that grows with V.
    expect((e3 as number) - (e2 as number)).toBe(headBytes + 4);
    expect((e4 as number) - (e3 as number)).toBe(headBytes + 4);
    expect((await oneTape(4)) - (await oneTape(1))).toBeGreaterThanOrEqual(3 * logitsBytes);
    model.dispose();
  });
});

describe('headByHeadGradients errors', () => {
  // `ErrorClass code: message` of what `fn` throws (a ModelError or an InvalidTrainingArgumentError).
  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (ModelError.isInstance(error)) return `ModelError ${error.code}: ${error.message}`;
      if (InvalidTrainingArgumentError.isInstance(error))
        return `InvalidTrainingArgumentError: ${error.message}`;
      throw error;
    }
    return 'no error';
  };

  it('reports a bad head list as forward, head and headGradients do: the same ModelError and message', () => {
    const model = createModel(HEAD_VARIANTS[0]?.[1] as (typeof HEAD_VARIANTS)[number][1]);
    const z = tf.zeros([2, 7, 8]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const listed = (heads: number[]) => [
      failure(() => model.forward(IDS, { heads })),
      failure(() => headByHeadGradients({ model, input: IDS, heads, loss: shiftedLoss })),
    ];
    const outOfRange = 'ModelError INPUT_INVALID: head index must be an integer in [0, 2] (got 5)';
    expect(listed([5])).toEqual([outOfRange, outOfRange]);
    expect(failure(() => model.head(5, z))).toBe(outOfRange);
    expect(failure(() => headGradients({ model, head: 5, z, loss: (l) => shiftedLoss(l, 0) }))).toBe(
      outOfRange,
    );
    const repeated = 'ModelError INPUT_INVALID: options.heads names head 0 twice; name each head once';
    expect(listed([0, 0])).toEqual([repeated, repeated]);
    const empty = 'ModelError INPUT_INVALID: options.heads must name at least one head';
    expect(listed([])).toEqual([empty, empty]);
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
    model.dispose();
  });

  it('rejects non-scalar losses, leaving no tensors', () => {
    const model = createModel(HEAD_VARIANTS[0]?.[1] as (typeof HEAD_VARIANTS)[number][1]);
    const before = tf.memory().numTensors;
    // Fails at the second head, after the trunk and one head ran.
    const bad = (l: tf.Tensor3D, i: number) => (i === 1 ? (tf.sum(l, -1) as tf.Scalar) : shiftedLoss(l, i));
    expect(failure(() => headByHeadGradients({ model, input: IDS, loss: bad }))).toBe(
      'InvalidTrainingArgumentError: loss: must return a scalar tensor (head 1)',
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().state.gradientDepth).toBe(0);
    // Still usable afterwards.
    const again = headByHeadGradients({ model, input: IDS, loss: shiftedLoss });
    tf.dispose([again.loss, again.grads, again.headLosses]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
