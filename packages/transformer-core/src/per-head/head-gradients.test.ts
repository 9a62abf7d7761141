import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randn } from '../../test/gradcheck.js';
import { createModel } from '../model.js';
import { parameterGroups } from '../param-groups.js';
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
});
