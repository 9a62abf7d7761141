import { createModel, lossFnGradients, train } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { BATCHES, contextFor, maxRelativeDifference, tinyConfig } from '../test/fixtures.js';
import type { HeadArrangement } from './arrangement.js';
import type { MultiTokenBatch } from './batch.js';
import { multiTokenGradients } from './gradients.js';
import { multiTokenLoss } from './loss.js';
import { multiTokenLossFn } from './loss-fn.js';
import type { MultiTokenObjective } from './objective.js';

const HEAD_TYPES = ['transformer', 'linear'] as const;

/**
 * Computes one update's loss and gradients on both paths and checks that they agree: loss to 5 digits, every
 * gradient within 1e-5 relative. `afterEfficient` runs between the two (for spies on the efficient path). Returns
 * the names the efficient path has gradients for; leaves no tensors.
 */
async function expectPathsAgree(
  objective: MultiTokenObjective,
  batches: MultiTokenBatch[],
  { step = 0, afterEfficient = () => {} } = {},
): Promise<string[]> {
  const context = contextFor(objective.model, objective, batches, step);
  const before = tf.memory().numTensors;
  const efficient = await multiTokenGradients(objective)(context);
  afterEfficient();
  const naive = lossFnGradients(context);
  expect(maxRelativeDifference(efficient.grads, naive.grads)).toBeLessThanOrEqual(1e-5);
  expect(efficient.loss.dataSync()[0]).toBeCloseTo(naive.loss.dataSync()[0] as number, 5);
  const names = Object.keys(efficient.grads);
  tf.dispose([efficient.loss, efficient.grads, naive.loss, naive.grads]);
  expect(tf.memory().numTensors).toBe(before);
  return names;
}

describe.each(HEAD_TYPES)('multiTokenGradients equals the one-tape path (%s heads)', (type) => {
  it.each([1, 2, 3, 4])(
    'n = %i: same loss, gradients within 1e-5 relative, padding and mask included',
    async (n) => {
      const model = createModel(tinyConfig(n, type), { seed: n });
      const trunk = vi.spyOn(model, 'trunk');
      const names = await expectPathsAgree({ model, padId: 0 }, [BATCHES[0] as MultiTokenBatch], {
        afterEfficient: () => expect(trunk).toHaveBeenCalledTimes(1), // one trunk forward for all heads
      });
      expect(names).toHaveLength(Object.keys(model.params).length);
      model.dispose();
    },
  );

  it('with dropout, per-head weights, a subset of heads in any order and two micro-batches (averaged)', async () => {
    const model = createModel(tinyConfig(4, type, 0.2), { seed: 5 });
    const objective = { model, heads: [3, 0, 2], weights: [0.5, 1, 2], padId: 0 };
    const names = await expectPathsAgree(objective, BATCHES, { step: 3 });
    // Head 1 is not in the objective: its weights get no gradient on either path.
    expect(names.some((name) => name.startsWith('heads.1.'))).toBe(false);
    model.dispose();
  });
});

describe.each(
  HEAD_TYPES.flatMap((type) => [
    ['causal', type],
    ['anticausal', type],
  ]) as Array<['causal' | 'anticausal', (typeof HEAD_TYPES)[number]]>,
)('chained heads: multiTokenGradients equals the one-tape path (%s, %s heads)', (arrangement, type) => {
  it.each([1, 2, 3, 4])('n = %i: same loss, gradients within 1e-5 relative', async (n) => {
    const model = createModel(tinyConfig(n, type), { seed: 10 + n });
    const head = vi.spyOn(model, 'head');
    await expectPathsAgree({ model, padId: 0, arrangement }, [BATCHES[0] as MultiTokenBatch], {
      // The chain forward once without a tape (all heads but the last), then each head on its own tape.
      afterEfficient: () => expect(head).toHaveBeenCalledTimes(2 * n - 1),
    });
    model.dispose();
  });
});

describe('chained heads: the wiring', () => {
  it('causal head i reads head i − 1, anticausal head i reads head i + 1; both with dropout and two micro-batches', async () => {
    // Linear heads have no residual path, so a chain differs clearly from parallel heads.
    const model = createModel(tinyConfig(3, 'linear', 0.1), { seed: 2 });
    const batch = BATCHES[1] as MultiTokenBatch;
    const lossOf = (arrangement: HeadArrangement) =>
      tf.tidy(
        () =>
          multiTokenLossFn({ model, arrangement })(batch, {
            training: false,
            step: 0,
            seed: 0,
          }).dataSync()[0],
      );
    // The same loss composed from the model's pieces by hand.
    const byHand = (order: number[]) =>
      tf.tidy(() => {
        let h = model.trunk(model.embed(batch.ids)).output;
        const logits: tf.Tensor3D[] = [];
        for (const head of order) {
          h = model.head(head, h);
          logits[head] = model.unembed(h);
        }
        return multiTokenLoss({ logits, batch }).dataSync()[0];
      });
    expect(lossOf('causal')).toBeCloseTo(byHand([0, 1, 2]) as number, 5);
    expect(lossOf('anticausal')).toBeCloseTo(byHand([2, 1, 0]) as number, 5);
    // Small weights at initialisation keep losses near ln V, but the wirings differ far beyond the 5e-6 above.
    expect(Math.abs((lossOf('causal') as number) - (lossOf('parallel') as number))).toBeGreaterThan(1e-4);

    for (const arrangement of ['causal', 'anticausal'] as const) {
      await expectPathsAgree({ model, arrangement, weights: [1, 0.5, 2], padId: 0 }, BATCHES, { step: 1 });
    }
    expect(() => multiTokenGradients({ model, arrangement: 'causal', heads: [0, 1] })).toThrow(
      /^heads: the causal arrangement chains every head, so heads must list all 3/,
    );
    model.dispose();
  });
});

describe.each(HEAD_TYPES)('masked targets (%s heads)', (type) => {
  it('changing a token the mask drops (the last of a row) leaves loss and gradients unchanged on both paths', async () => {
    const model = createModel(tinyConfig(3, type), { seed: 4 });
    const objective = { model, padId: 0 };
    const mask = [
      [1, 1, 1, 1, 1, 1, 0],
      [1, 1, 1, 0, 1, 1, 1],
    ];
    const ids = (last: number) => [
      [1, 4, 2, 9, 7, 3, last],
      [3, 3, 10, 5, 6, 1, 8],
    ];
    // The last token is an input only at the last position, whose targets all lie past the window, so with
    // mask 0 nothing scored depends on it. + 0 turns −0 into 0 (a masked row's gradient is 0 · (p − onehot)).
    const run = async (last: number) => {
      const context = contextFor(model, objective, [{ ids: ids(last), mask }]);
      return [await multiTokenGradients(objective)(context), lossFnGradients(context)].map((result) => {
        const { loss, grads } = result;
        const values = [loss, ...Object.values(grads)].map((t) => Array.from(t.dataSync(), (v) => v + 0));
        tf.dispose([loss, grads]);
        return values;
      });
    };
    const reference = await run(5);
    expect(await run(2)).toEqual(reference);
    expect(await run(10)).toEqual(reference);
    // With the last token kept, the same change does change the loss (the test can fail).
    const keptLoss = (last: number) => {
      const { loss, grads } = lossFnGradients(contextFor(model, objective, [{ ids: ids(last) }]));
      const value = loss.dataSync()[0];
      tf.dispose([loss, grads]);
      return value;
    };
    expect(keptLoss(10)).not.toBe(keptLoss(5));
    model.dispose();
  });
});

describe('the two paths through train()', () => {
  it.each(HEAD_TYPES)(
    '%s heads: the same losses over 20 steps with dropout and accumulate = 2, at a constant tensor count',
    async (type) => {
      const curves: number[][] = [];
      for (const efficient of [false, true]) {
        const model = createModel(tinyConfig(3, type, 0.1), { seed: 8 });
        const objective = { model, padId: 0 };
        const curve: number[] = [];
        const counts: number[] = [];
        await train({
          params: model.params,
          lossFn: multiTokenLossFn(objective),
          ...(efficient ? { gradients: multiTokenGradients(objective) } : {}),
          batches: (step: number) => BATCHES[step % 2] as MultiTokenBatch,
          accumulate: 2,
          steps: 20,
          learningRate: 0.01,
          evaluate: { every: 10, batches: BATCHES },
          callbacks: [
            {
              onStep: ({ loss }) => {
                curve.push(loss);
                counts.push(tf.memory().numTensors);
              },
            },
          ],
        });
        // No tensor growth: the count after every step is the count after the first.
        expect(new Set(counts).size, `${efficient ? 'efficient' : 'naive'} path tensor counts`).toBe(1);
        curves.push(curve);
        model.dispose();
      }
      const [naive, efficient] = curves as [number[], number[]];
      expect(naive[19]).toBeLessThan((naive[0] as number) - 0.5); // it trains
      efficient.forEach((loss, step) => {
        expect(Math.abs(loss - (naive[step] as number)), `step ${step + 1}`).toBeLessThan(5e-5);
      });
    },
  );

  it('rejects train params that are not the objective model params', () => {
    const model = createModel(tinyConfig(2, 'linear'));
    const other = createModel(tinyConfig(2, 'linear'));
    const objective = { model };
    const context = { ...contextFor(model, objective, BATCHES), params: other.params };
    expect(() => multiTokenGradients(objective)(context)).toThrow(/^params: train's params must be/);
    model.dispose();
    other.dispose();
  });
});
