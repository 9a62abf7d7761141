import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm, globalNorm } from './clip.js';
import { InvalidTrainingArgumentError } from './errors.js';

describe('global-norm clipping', () => {
  // ||(3, 4)|| and ||(12)|| give a global norm of sqrt(9 + 16 + 144) = 13.
  const grads = () => ({ a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) });

  it('computes the global L2 norm over all tensors', () => {
    expect(globalNorm(grads()).dataSync()[0]).toBeCloseTo(13, 5);
    expect(globalNorm({}).dataSync()[0]).toBe(0);
  });

  it('scales every gradient by maxNorm / norm and returns the pre-clip norm', () => {
    const { grads: clipped, norm } = clipByGlobalNorm(grads(), 6.5);
    expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
    const a = Array.from(clipped.a?.dataSync() ?? []);
    expect(a[0]).toBeCloseTo(1.5, 5);
    expect(a[1]).toBeCloseTo(2, 5);
    expect(clipped.b?.dataSync()[0]).toBeCloseTo(6, 5);
    expect(globalNorm(clipped).dataSync()[0]).toBeCloseTo(6.5, 4);
  });

  it('leaves gradients under the limit unchanged', () => {
    const { grads: clipped } = clipByGlobalNorm(grads(), 100);
    expect(Array.from(clipped.a?.dataSync() ?? [])).toEqual([3, 4]);
  });

  it('creates only the returned tensors', () => {
    const input = grads();
    const before = tf.memory().numTensors;
    const { grads: clipped, norm } = clipByGlobalNorm(input, 1);
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose([clipped, norm]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a non-positive limit', () => {
    expect(() => clipByGlobalNorm(grads(), 0)).toThrow(InvalidTrainingArgumentError);
  });
});
