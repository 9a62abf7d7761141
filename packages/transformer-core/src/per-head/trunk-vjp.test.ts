import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { maxAbsDiff, randn } from '../../test/gradcheck.js';
import { createModel } from '../model.js';
import { parameterGroups, setTrainable } from '../param-groups.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import { headGradients } from './head-gradients.js';
import { expectSameGradients, HEAD_VARIANTS, IDS, shiftedLoss } from './test-helpers/multi-token.js';
import { trunkVjp } from './trunk-vjp.js';

describe.each(HEAD_VARIANTS)('trunkVjp: %s', (_, config) => {
  it('is the vector–Jacobian product of embed → trunk with dy = dz (1e-5), from one trunk run', () => {
    const model = createModel(config, { seed: 5 });
    const groups = parameterGroups(model);
    const reached = [
      ...groups.trunk,
      ...groups.shared.filter((n) => n === 'tok_emb.weight' || n === 'pos_emb.weight'),
    ];
    const dz = randn([2, 7, 8], 6);
    const zRef = tf.tidy(() => model.trunk(model.embed(IDS)).output);
    const trunk = vi.spyOn(model, 'trunk');
    const before = tf.memory().numTensors;
    const { grads, result } = trunkVjp({
      model,
      input: IDS,
      upstream: (z) => ({ dz, result: { z: tf.clone(z), doubled: [tf.mul(z, 2)] } }),
    });
    expect(trunk).toHaveBeenCalledTimes(1);
    trunk.mockRestore();
    expect(tf.memory().numTensors).toBe(before + reached.length + 2);
    expect(maxAbsDiff(result.z, zRef)).toBe(0);
    expect(maxAbsDiff(result.doubled[0] as tf.Tensor, tf.mul(zRef, 2))).toBe(0);

    const vars = reached.map((n) => model.params[n] as tf.Variable);
    const reference = tf.grads(() => model.trunk(model.embed(IDS)).output)(vars, dz);
    expectSameGradients(grads, Object.fromEntries(reached.map((n, k) => [n, reference[k] as tf.Tensor])));
    tf.dispose([grads, result, reference, dz, zRef]);
    model.dispose();
  });
});

describe.each(HEAD_VARIANTS)('trunkVjp with input embeddings: %s', (_, config) => {
  it('differentiates the trunk (no token embedding gradient) and the embeddings, as one tape does (1e-5)', () => {
    const model = createModel(config, { seed: 5 });
    const x = randn([2, 7, 8], 3) as tf.Tensor3D;
    const dz = randn([2, 7, 8], 6);
    const before = tf.memory().numTensors;
    const { grads, result, dInputsEmbeds } = trunkVjp({
      model,
      input: { inputsEmbeds: x },
      upstream: () => ({ dz, result: [] }),
    });
    const names = [
      ...parameterGroups(model).trunk,
      ...(model.params['pos_emb.weight'] ? ['pos_emb.weight'] : []),
    ];
    expect(tf.memory().numTensors).toBe(before + names.length + 1);
    expect(result).toEqual([]);
    const vars = names.map((n) => model.params[n] as tf.Variable);
    const reference = tf.grads(
      (xx: tf.Tensor, ..._vars: tf.Tensor[]) => model.trunk(xx as tf.Tensor3D).output,
    )([x, ...vars], dz);
    expectSameGradients(
      { ...grads, inputsEmbeds: dInputsEmbeds as tf.Tensor },
      Object.fromEntries([['inputsEmbeds', reference[0]], ...names.map((n, k) => [n, reference[k + 1]])]),
    );
    tf.dispose([grads, dInputsEmbeds, reference, x, dz]);
    model.dispose();
  });

  it('with every head differentiated head by head (Coconut with multi-token heads), equals one tape (1e-5)', () => {
    const model = createModel(config, { seed: 6 });
    const x = randn([2, 7, 8], 4) as tf.Tensor3D;
    const heads = [0, 1, 2];
    const { grads, result, dInputsEmbeds } = trunkVjp({
      model,
      input: { inputsEmbeds: x },
      upstream: (z) => {
        const perHead = heads.map((head) =>
          headGradients({ model, head, z, loss: (logits) => shiftedLoss(logits, head) }),
        );
        const dz = tf.addN(perHead.map((h) => h.dz));
        tf.dispose(perHead.map(({ loss, dz, grads }) => [loss, dz, grads]));
        return { dz, result: [] };
      },
    });
    const summedLoss = (xx: tf.Tensor) =>
      tf.addN(
        model.forward({ inputsEmbeds: xx as tf.Tensor3D }, { heads }).logits.map((l, i) => shiftedLoss(l, i)),
      ) as tf.Scalar;
    const reference = tf.grad(summedLoss)(x);
    expectSameGradients({ inputsEmbeds: dInputsEmbeds as tf.Tensor }, { inputsEmbeds: reference });
    tf.dispose([grads, result, dInputsEmbeds, reference, x]);
    model.dispose();
  });
});

describe('trunkVjp', () => {
  const config = HEAD_VARIANTS[0]?.[1] as (typeof HEAD_VARIANTS)[number][1];

  it('returns no input gradient for token ids', () => {
    const model = createModel(config, { seed: 5 });
    const before = tf.memory().numTensors;
    const out = trunkVjp({ model, input: IDS, upstream: (z) => ({ dz: tf.onesLike(z), result: [] }) });
    expect(out.dInputsEmbeds).toBeUndefined();
    tf.dispose(out.grads);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('hands results over as ordinary tensors: an enclosing tidy frees them, tensors made before are untouched', () => {
    const model = createModel(config);
    const outside = tf.scalar(3);
    const before = tf.memory().numTensors;
    const kept = tf.tidy(() => {
      const { result } = trunkVjp({
        model,
        input: IDS,
        upstream: (z) => ({ dz: tf.onesLike(z), result: { outside, made: tf.sum(z) } }),
      });
      expect(result.outside).toBe(outside);
      return result.made;
    });
    expect(tf.memory().numTensors).toBe(before + 1); // only the returned sum
    expect(outside.isDisposed).toBe(false);
    tf.dispose([kept, outside]);
    model.dispose();
  });

  it('rejects a dz of the wrong shape, frees everything when the upstream throws, and needs a trainable weight', () => {
    const model = createModel(config);
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      trunkVjp({ model, input: IDS, upstream: (z) => ({ dz: tf.sum(z, -1), result: [] }) });
    } catch (e) {
      error = e;
    }
    expect(InvalidTrainingArgumentError.isInstance(error) && error.field).toBe('upstream');
    expect((error as Error).message).toMatch(/dz must be a tensor of z's shape \[2,7,8\], got \[2,7\]/);
    expect(() =>
      trunkVjp({
        model,
        input: IDS,
        upstream: (z) => {
          tf.exp(z);
          throw new Error('head failed');
        },
      }),
    ).toThrow('head failed');
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().state.gradientDepth).toBe(0);
    setTrainable({ params: model.params, names: Object.keys(model.params), trainable: false });
    expect(() => trunkVjp({ model, input: IDS, upstream: (z) => ({ dz: z, result: [] }) })).toThrow(
      /params: no trainable weights/,
    );
    model.dispose();
  });
});
