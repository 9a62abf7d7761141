import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randn } from '../../test/gradcheck.js';
import { createModel } from '../model.js';
import { parameterGroups } from '../param-groups.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import { headGradients } from './head-gradients.js';
import { expectSameGradients, HEAD_VARIANTS, shiftedLoss } from './test-helpers/multi-token.js';

describe.each(HEAD_VARIANTS)('headGradients: %s', (_, config) => {
  it("differentiates one head's loss w.r.t. z, its weights, ln_f and the unembedding (1e-5), keeping nothing else", () => {
    const model = createModel(config, { seed: 7 });
    const groups = parameterGroups(model);
    const z = randn([2, 7, 8], 8) as tf.Tensor3D;
    for (const head of [0, 2]) {
      const unembedding = config.tieEmbeddings === false ? 'lm_head.weight' : 'tok_emb.weight';
      const names = [
        ...(groups.heads[head] as string[]),
        ...groups.shared.filter((n) => n.startsWith('ln_f.') || n === unembedding),
      ];
      const before = tf.memory().numTensors;
      const result = headGradients({ model, head, z, loss: (logits) => shiftedLoss(logits, head) });
      expect(tf.memory().numTensors).toBe(before + 2 + names.length);
      expect(Object.keys(result.grads).sort()).toEqual(names.slice().sort());

      const vars = names.map((n) => model.params[n] as tf.Variable);
      const f = (zz: tf.Tensor) => shiftedLoss(model.unembed(model.head(head, zz as tf.Tensor3D)), head);
      const reference = tf.valueAndGrads((zz: tf.Tensor, ..._vars: tf.Tensor[]) => f(zz))([z, ...vars]);
      expect(maxAbsDiff(result.loss, reference.value)).toBeLessThan(1e-6);
      expectSameGradients({ z: result.dz }, { z: reference.grads[0] as tf.Tensor });
      expectSameGradients(
        result.grads,
        Object.fromEntries(names.map((n, k) => [n, reference.grads[k + 1] as tf.Tensor])),
      );
      tf.dispose([result.loss, result.dz, result.grads, reference.value, reference.grads]);
    }
    z.dispose();
    model.dispose();
  });
  it('with dh, differentiates L + <h, dh> as one tape does (1e-5) and still reports L', () => {
    const model = createModel(config, { seed: 11 });
    const z = randn([2, 7, 8], 3) as tf.Tensor3D;
    const dh = randn([2, 7, 8], 4) as tf.Tensor3D;
    const head = 1;
    const trainable = Object.entries(model.params).filter(([, v]) => v.trainable);
    const before = tf.memory().numTensors;
    const result = headGradients({ model, head, z, dh, loss: (logits) => shiftedLoss(logits, head) });
    expect(tf.memory().numTensors).toBe(before + 2 + Object.keys(result.grads).length);

    const names = Object.keys(result.grads);
    const vars = names.map((n) => model.params[n] as tf.Variable);
    const reference = tf.tidy(() => {
      const loss = shiftedLoss(model.unembed(model.head(head, z)), head);
      const tape = tf.valueAndGrads((zz: tf.Tensor, ..._vars: tf.Tensor[]) => {
        const h = model.head(head, zz as tf.Tensor3D);
        return tf.add(shiftedLoss(model.unembed(h), head), tf.sum(tf.mul(h, dh))) as tf.Scalar;
      })([z, ...vars]);
      return { loss, dz: tape.grads[0] as tf.Tensor, grads: tape.grads.slice(1) };
    });
    // Every trainable weight the tape reaches has a gradient, and nothing else.
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThan(trainable.length);
    expect(maxAbsDiff(result.loss, reference.loss)).toBeLessThan(1e-6);
    expectSameGradients({ z: result.dz }, { z: reference.dz });
    expectSameGradients(
      result.grads,
      Object.fromEntries(names.map((n, k) => [n, reference.grads[k] as tf.Tensor])),
    );
    // The dh term changes the gradient: without it dz differs.
    const plain = headGradients({ model, head, z, loss: (logits) => shiftedLoss(logits, head) });
    expect(maxAbsDiff(plain.dz, result.dz)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(plain.loss, result.loss)).toBe(0);
    tf.dispose([result.loss, result.dz, result.grads, plain.loss, plain.dz, plain.grads, reference, z, dh]);
    model.dispose();
  });

  it('rejects a dh not shaped like z, naming the field, and keeps nothing', () => {
    const model = createModel(config, { seed: 11 });
    const z = randn([2, 7, 8], 3) as tf.Tensor3D;
    const dh = randn([2, 6, 8], 4) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const call = () => headGradients({ model, head: 0, z, dh, loss: (logits) => shiftedLoss(logits, 0) });
    expect(call).toThrow(InvalidTrainingArgumentError);
    expect(call).toThrow(/dh.*\[2,7,8\].*\[2,6,8\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, dh]);
    model.dispose();
  });
});
