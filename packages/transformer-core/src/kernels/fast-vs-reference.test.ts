import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/gradcheck.js';
import { allHeads, VARIANTS } from '../../test/variants.js';
import { createModel } from '../model.js';
import { crossEntropy } from '../train/cross-entropy.js';

// The fast path must compute the same function, and the same gradients, as stock tfjs ops.
describe.each(VARIANTS)('fast kernels vs reference kernels (%s)', (_, config) => {
  it('give the same logits and parameter gradients to 1e-5', () => {
    const fast = createModel(config, { seed: 3, kernels: 'fast' });
    const reference = createModel(config, { seed: 3, kernels: 'reference' });
    const ids = tf.tensor2d(
      [
        [1, 5, 2, 9, 3, 3, 0],
        [4, 4, 10, 7, 1, 8, 6],
      ],
      undefined,
      'int32',
    );
    const targets = tf.tensor2d(
      [
        [5, 2, 9, 3, 3, 0, 1],
        [4, 10, 7, 1, 8, 6, 2],
      ],
      undefined,
      'int32',
    );
    const before = tf.memory().numTensors;
    const lossAndGrads = (model: typeof fast) =>
      tf.variableGrads(() => {
        const { logits } = model.forward(ids, { heads: allHeads(config) });
        return tf.addN(logits.map((l) => crossEntropy(l as tf.Tensor3D, targets))) as tf.Scalar;
      }, Object.values(model.params));
    const a = lossAndGrads(fast);
    const b = lossAndGrads(reference);
    expect(maxAbsDiff(a.value, b.value)).toBeLessThan(1e-5);
    const names = Object.keys(fast.params);
    for (const [i, name] of names.entries()) {
      const variable = Object.values(fast.params)[i] as tf.Variable;
      const other = Object.values(reference.params)[i] as tf.Variable;
      const diff = maxAbsDiff(a.grads[variable.name] as tf.Tensor, b.grads[other.name] as tf.Tensor);
      expect(diff, name).toBeLessThan(1e-5);
    }
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, targets]);
    fast.dispose();
    reference.dispose();
  });
});
