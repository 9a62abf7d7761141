import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { discardAbandonedTape, outsideTape } from './tape.js';

const state = () => tf.engine().state;

// d/dz Σ sin(z)·b, on a tape of its own when run at depth 0.
const innerGrad = (z: tf.Tensor, b: tf.Tensor) =>
  tf.grads((zz: tf.Tensor) => tf.sum(tf.mul(tf.sin(zz), b)) as tf.Scalar)([z])[0] as tf.Tensor;

describe('the tfjs tape facts the per-head helpers rely on', () => {
  it('a gradient taken inside an open gradient computation records onto (and grows) the enclosing tape', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.tensor1d([0.5, -1, 2]);
    let grew = 0;
    const { value, grads } = tf.variableGrads(() => {
      const z = tf.square(a);
      const before = state().activeTape.length;
      expect(state().gradientDepth).toBe(1);
      innerGrad(z, b);
      grew = state().activeTape.length - before;
      return tf.sum(z) as tf.Scalar;
    }, [a]);
    // The inner forward and backward ops joined the outer tape: this is why heads run outside it.
    expect(grew).toBeGreaterThan(0);
    tf.dispose([value, grads, a, b]);
  });

  it('outsideTape: the inner gradient is right, runs on its own freed tape, and the outer tape resumes unchanged', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.tensor1d([0.5, -1, 2]);
    const start = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const z = tf.square(a);
      const tape = state().activeTape;
      const length = tape.length;
      const gz = outsideTape(() => innerGrad(z, b)); // cos(z)·b
      expect(state().activeTape).toBe(tape);
      expect(tape.length).toBe(length);
      expect(state().gradientDepth).toBe(1);
      // Σ z·gz with gz a constant: d/da = gz · 2a.
      return tf.sum(tf.mul(z, gz)) as tf.Scalar;
    }, [a]);
    const expected = [1, 2, 3].map((x, i) => Math.cos(x * x) * ([0.5, -1, 2][i] as number) * 2 * x);
    Array.from(grads[a.name]?.dataSync() ?? []).forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i] as number, 5);
    });
    tf.dispose([value, grads]);
    expect(tf.memory().numTensors).toBe(start);
    expect(state().gradientDepth).toBe(0);
    tf.dispose([a, b]);
  });

  it('outsideTape restores the tape when fn throws, freeing the tape an inner gradient abandoned', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const start = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const z = tf.square(a);
      const tape = state().activeTape;
      expect(() =>
        outsideTape(() =>
          tf.grads((zz: tf.Tensor) => {
            tf.exp(zz); // saves a tensor on the inner tape
            throw new Error('bad loss');
          })([z]),
        ),
      ).toThrow('bad loss');
      expect(state().activeTape).toBe(tape);
      expect(state().gradientDepth).toBe(1);
      return tf.sum(z) as tf.Scalar;
    }, [a]);
    tf.dispose([value, grads]);
    expect(tf.memory().numTensors).toBe(start);
    a.dispose();
  });

  it('discardAbandonedTape frees what a failed top-level gradient computation saved', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const start = tf.memory().numTensors;
    expect(() =>
      tf.variableGrads(() => {
        tf.exp(tf.square(a));
        throw new Error('bad loss');
      }, [a]),
    ).toThrow('bad loss');
    expect(tf.memory().numTensors).toBeGreaterThan(start); // tfjs leaves the saved tensors behind
    discardAbandonedTape();
    expect(tf.memory().numTensors).toBe(start);
    a.dispose();
  });
});
