import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { InvalidTrainingArgumentError } from './errors.js';

const created: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const item of created.splice(0)) item.dispose();
});

function setup() {
  const params = {
    'w.weight': tf.variable(tf.tensor2d([[1, -2]])),
    'w.bias': tf.variable(tf.tensor1d([0.5])),
  };
  created.push({ dispose: () => tf.dispose(Object.values(params)) });
  return params;
}

describe('AdamW', () => {
  it('applies one step exactly as written out by hand', () => {
    const params = setup();
    const opt = new AdamW(params, { beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.1 });
    created.push(opt);
    const g = { 'w.weight': tf.tensor2d([[0.2, -0.4]]), 'w.bias': tf.tensor1d([1]) };
    opt.applyGradients(g, 0.01);
    // Step 1: m = 0.1 g, v = 0.01 g^2; bias-corrected m_hat = g, v_hat = g^2, so the Adam part is lr * sign(g)
    // (up to eps). Decay shrinks the 2-D weight by (1 - lr * wd) first; the bias is not decayed.
    const adam = (gi: number) => (0.01 * gi) / (Math.abs(gi) + 1e-8);
    const w = Array.from(params['w.weight'].dataSync());
    expect(w[0]).toBeCloseTo(1 * (1 - 0.001) - adam(0.2), 6);
    expect(w[1]).toBeCloseTo(-2 * (1 - 0.001) - adam(-0.4), 6);
    expect(params['w.bias'].dataSync()[0]).toBeCloseTo(0.5 - adam(1), 6);
    expect(opt.step).toBe(1);
  });

  it('matches a second step computed from the moment recurrences', () => {
    const params = setup();
    const opt = new AdamW(params, { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0 });
    created.push(opt);
    const g1 = 0.3;
    const g2 = -0.1;
    opt.applyGradients({ 'w.bias': tf.tensor1d([g1]) }, 0.1);
    opt.applyGradients({ 'w.bias': tf.tensor1d([g2]) }, 0.05);
    const m1 = 0.1 * g1;
    const v1 = 0.05 * g1 * g1;
    const m2 = 0.9 * m1 + 0.1 * g2;
    const v2 = 0.95 * v1 + 0.05 * g2 * g2;
    const p1 = 0.5 - (0.1 * (m1 / 0.1)) / (Math.sqrt(v1 / 0.05) + 1e-8);
    const p2 = p1 - (0.05 * (m2 / (1 - 0.9 ** 2))) / (Math.sqrt(v2 / (1 - 0.95 ** 2)) + 1e-8);
    expect(params['w.bias'].dataSync()[0]).toBeCloseTo(p2, 6);
    // Parameters without a gradient are left alone.
    expect(Array.from(params['w.weight'].dataSync())).toEqual([1, -2]);
  });

  it('counts updates per parameter, as PyTorch does: a parameter trained late gets the full first step', () => {
    const params = { a: tf.variable(tf.scalar(1)), b: tf.variable(tf.scalar(1)) };
    created.push({ dispose: () => tf.dispose(Object.values(params)) });
    const opt = new AdamW(params, { weightDecay: 0 }); // beta1 0.9, beta2 0.95, eps 1e-8
    created.push(opt);
    const one = tf.scalar(1);
    created.push(one);
    opt.applyGradients({ a: one }, 0.1);
    opt.applyGradients({ a: one, b: one }, 0.1);
    // With a constant gradient 1, m_t = 1 - 0.9^t and v_t = 1 - 0.95^t, so m_hat = v_hat = 1 for every t: each
    // step moves a parameter by lr / (1 + eps) = 0.1. a took two steps: 1 -> 0.9 -> 0.8. b had its first
    // gradient in update 2, so its t is 1 and it also moves by 0.1: 0.9, as torch.optim.AdamW leaves it. Counting
    // b's t globally (t = 2) would give m_hat = 0.1 / 0.19, v_hat = 0.05 / 0.0975 and
    // b = 1 - 0.1 * 0.52632 / 0.71611 = 0.92650.
    expect(params.a.dataSync()[0]).toBeCloseTo(0.8, 6);
    expect(params.b.dataSync()[0]).toBeCloseTo(0.9, 6);
    expect(opt.step).toBe(2);
    expect(opt.parameterSteps).toEqual({ a: 2, b: 1 });
  });

  it('restores per-parameter counts, and gives every parameter `step` when a state has none', () => {
    const params = { a: tf.variable(tf.scalar(1)), b: tf.variable(tf.scalar(1)) };
    created.push({ dispose: () => tf.dispose(Object.values(params)) });
    const source = new AdamW(params, { weightDecay: 0 });
    const restored = new AdamW(params, { weightDecay: 0 });
    const legacy = new AdamW(params, { weightDecay: 0 });
    created.push(source, restored, legacy);
    const one = tf.scalar(1);
    created.push(one);
    source.applyGradients({ a: one }, 0.1);
    source.applyGradients({ a: one }, 0.1);
    source.applyGradients({ a: one, b: one }, 0.1);
    const state = source.getState();
    created.push({ dispose: () => tf.dispose(state.moments) });
    expect(state.step).toBe(3);
    expect(state.parameterSteps).toEqual({ a: 3, b: 1 });
    restored.setState(state);
    expect(restored.parameterSteps).toEqual({ a: 3, b: 1 });
    const { parameterSteps: _dropped, ...withoutCounts } = state;
    legacy.setState(withoutCounts);
    expect(legacy.step).toBe(3);
    expect(legacy.parameterSteps).toEqual({ a: 3, b: 3 });
  });

  it('rejects per-parameter counts that do not fit the parameters', () => {
    const params = setup();
    const opt = new AdamW(params);
    created.push(opt);
    const g = { 'w.weight': tf.tensor2d([[0.3, 0.1]]), 'w.bias': tf.tensor1d([-0.2]) };
    created.push({ dispose: () => tf.dispose(Object.values(g)) });
    opt.applyGradients(g, 0.01);
    const state = opt.getState();
    created.push({ dispose: () => tf.dispose(state.moments) });
    const withCounts = (parameterSteps: Record<string, number>) => () =>
      opt.setState({ step: 2, moments: state.moments, parameterSteps });
    expect(withCounts({ 'w.weight': 2 })).toThrow(/parameterSteps\["w\.bias"\]: missing/);
    expect(withCounts({ 'w.weight': 2, 'w.bias': 3 })).toThrow(/3 updates, more than the 2 applied/);
    expect(withCounts({ 'w.weight': 2, 'w.bias': 0.5 })).toThrow(/parameterSteps\["w\.bias"\]/);
    expect(withCounts({ 'w.weight': 2, 'w.bias': 1, other: 1 })).toThrow(
      '"other" is not a parameter of this optimizer',
    );
    const { 'exp_avg.w.bias': _m, 'exp_avg_sq.w.bias': _v, ...weightOnly } = state.moments;
    expect(() =>
      opt.setState({ step: 2, moments: weightOnly, parameterSteps: { 'w.weight': 2, 'w.bias': 1 } }),
    ).toThrow('"w.bias" has a count but no moments');
    // A failed restore changes nothing.
    expect(opt.step).toBe(1);
    expect(opt.parameterSteps).toEqual({ 'w.weight': 1, 'w.bias': 1 });
  });

  it('creates a parameter’s state on its first gradient, also for one frozen when the optimizer was made', () => {
    const params = { a: tf.variable(tf.scalar(1)), b: tf.variable(tf.scalar(1), false) };
    created.push({ dispose: () => tf.dispose(Object.values(params)) });
    const opt = new AdamW(params, { weightDecay: 0 });
    created.push(opt);
    const one = tf.scalar(1);
    created.push(one);
    // Frozen: no gradient accepted, as for any non-trainable parameter.
    expect(() => opt.applyGradients({ b: one }, 0.1)).toThrow('grads: "b" is not a trainable parameter');
    opt.applyGradients({ a: one }, 0.1);
    expect(opt.parameterSteps).toEqual({ a: 1 });
    params.b.trainable = true; // unfrozen after the first update, as setTrainable does
    opt.applyGradients({ a: one, b: one }, 0.1);
    // b's first update has t = 1: it moves by the full lr, as in torch.optim.AdamW (see above).
    expect(params.b.dataSync()[0]).toBeCloseTo(0.9, 6);
    expect(opt.parameterSteps).toEqual({ a: 2, b: 1 });
    const state = opt.getState();
    created.push({ dispose: () => tf.dispose(state.moments) });
    expect(Object.keys(state.moments).sort()).toEqual([
      'exp_avg.a',
      'exp_avg.b',
      'exp_avg_sq.a',
      'exp_avg_sq.b',
    ]);
  });

  it('restores a state saved under another frozen set: params with state get it, the others start fresh', () => {
    const params = {
      a: tf.variable(tf.scalar(1)),
      b: tf.variable(tf.scalar(1)),
      c: tf.variable(tf.scalar(1)),
    };
    created.push({ dispose: () => tf.dispose(Object.values(params)) });
    const source = new AdamW(params, { weightDecay: 0 });
    created.push(source);
    const one = tf.scalar(1);
    created.push(one);
    source.applyGradients({ a: one, b: one }, 0.1);
    source.applyGradients({ a: one, b: one }, 0.1);
    const state = source.getState(); // a and b have state, c none
    created.push({ dispose: () => tf.dispose(state.moments) });
    expect(state.parameterSteps).toEqual({ a: 2, b: 2 });
    // The restoring run has b frozen and c trainable, and c already has state of its own.
    params.b.trainable = false;
    const restored = new AdamW(params, { weightDecay: 0 });
    created.push(restored);
    restored.applyGradients({ c: one }, 0.1);
    restored.setState(state);
    expect(restored.step).toBe(2);
    expect(restored.parameterSteps).toEqual({ a: 2, b: 2 });
    const restoredState = restored.getState();
    created.push({ dispose: () => tf.dispose(restoredState.moments) });
    for (const [key, value] of Object.entries(state.moments)) {
      expect(Array.from(restoredState.moments[key]?.dataSync() ?? []), key).toEqual(
        Array.from(value.dataSync()),
      );
    }
    expect(Object.keys(restoredState.moments)).toHaveLength(4);
    // c starts fresh (t = 1: a full lr step); b, once unfrozen, continues from its restored moments
    // m = 1 - 0.9^2, v = 1 - 0.95^2 with t = 3.
    params.b.trainable = true;
    const [b0, c0] = [params.b.dataSync()[0] as number, params.c.dataSync()[0] as number];
    const two = tf.scalar(2);
    created.push(two);
    restored.applyGradients({ b: two, c: two }, 0.1);
    // Had c kept its own state (t = 1, m = 0.1, v = 0.05), this step would be about 0.0958.
    expect(c0 - (params.c.dataSync()[0] as number)).toBeCloseTo(0.1, 6);
    const m = 0.9 * (1 - 0.9 ** 2) + 0.1 * 2;
    const v = 0.95 * (1 - 0.95 ** 2) + 0.05 * 4;
    const bStep = (0.1 * m) / (1 - 0.9 ** 3) / (Math.sqrt(v / (1 - 0.95 ** 3)) + 1e-8);
    expect(bStep).toBeLessThan(0.097); // a fresh state would step by 0.1
    expect(b0 - (params.b.dataSync()[0] as number)).toBeCloseTo(bStep, 6);
    expect(restored.parameterSteps).toEqual({ a: 2, b: 3, c: 1 });
  });

  it('decays only rank >= 2 parameters by default, or whatever `decay` selects', () => {
    const params = setup();
    const byDefault = new AdamW(params);
    const custom = new AdamW(params, { decay: (name) => name.endsWith('bias') });
    created.push(byDefault, custom);
    expect(byDefault.decayedParams).toEqual(['w.weight']);
    expect(custom.decayedParams).toEqual(['w.bias']);
  });

  it('exports and imports its state so a restored optimizer continues identically', () => {
    const a = setup();
    const b = setup();
    const optA = new AdamW(a);
    const optB = new AdamW(b);
    created.push(optA, optB);
    const grad = () => ({ 'w.weight': tf.tensor2d([[0.3, 0.1]]), 'w.bias': tf.tensor1d([-0.2]) });
    optA.applyGradients(grad(), 0.01);
    optA.applyGradients(grad(), 0.01);
    const state = optA.getState();
    expect(Object.keys(state.moments).sort()).toEqual([
      'exp_avg.w.bias',
      'exp_avg.w.weight',
      'exp_avg_sq.w.bias',
      'exp_avg_sq.w.weight',
    ]);
    b['w.weight'].assign(a['w.weight']);
    b['w.bias'].assign(a['w.bias']);
    optB.setState(state);
    tf.dispose(state.moments);
    optA.applyGradients(grad(), 0.01);
    optB.applyGradients(grad(), 0.01);
    expect(Array.from(b['w.weight'].dataSync())).toEqual(Array.from(a['w.weight'].dataSync()));
    expect(optB.step).toBe(3);
  });

  it('allocates moments at first gradients, then keeps the tensor count constant; frees them on dispose', () => {
    const params = setup();
    const start = tf.memory().numTensors;
    const opt = new AdamW(params);
    expect(tf.memory().numTensors).toBe(start);
    created.push(opt);
    const g = { 'w.weight': tf.tensor2d([[0.3, 0.1]]), 'w.bias': tf.tensor1d([-0.2]) };
    opt.applyGradients({ 'w.bias': g['w.bias'] }, 0.01);
    expect(tf.memory().numTensors).toBe(start + 2 + 2);
    opt.applyGradients(g, 0.01);
    expect(tf.memory().numTensors).toBe(start + 2 + 4);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.applyGradients(g, 0.01);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(g));
    opt.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects bad hyperparameters, unknown gradients and mismatched state', () => {
    const params = setup();
    expect(() => new AdamW(params, { beta1: 1 })).toThrow(/optimizer\.beta1/);
    expect(() => new AdamW(params, { weightDecay: -1 })).toThrow(/optimizer\.weightDecay/);
    const opt = new AdamW(params);
    created.push(opt);
    const nope = tf.scalar(1);
    const wrongShape = tf.zeros([2, 1]);
    created.push({ dispose: () => tf.dispose([nope, wrongShape]) });
    expect(() => opt.applyGradients({ nope }, 0.1)).toThrow(InvalidTrainingArgumentError);
    expect(() => opt.applyGradients({ 'w.weight': wrongShape }, 0.1)).toThrow(
      'grads: the gradient of "w.weight" has shape [2,1], the parameter [1,2]',
    );
    expect(opt.step).toBe(0);
    expect(() => opt.applyGradients({}, Number.NaN)).toThrow(/learningRate/);
    const g = { 'w.weight': tf.tensor2d([[0.3, 0.1]]), 'w.bias': tf.tensor1d([-0.2]) };
    created.push({ dispose: () => tf.dispose(Object.values(g)) });
    opt.applyGradients(g, 0.01);
    const state = opt.getState();
    created.push({ dispose: () => tf.dispose(state.moments) });
    const { 'exp_avg.w.bias': _dropped, ...partial } = state.moments;
    expect(() => opt.setState({ step: 1, moments: partial })).toThrow(/missing moment "exp_avg.w.bias"/);
    expect(() => opt.setState({ step: 1, moments: { ...state.moments, 'exp_avg.nope': nope } })).toThrow(
      'optimizer state: unknown moment "exp_avg.nope"',
    );
    const wrong = { ...state.moments, 'exp_avg.w.weight': wrongShape };
    expect(() => opt.setState({ step: 1, moments: wrong })).toThrow(
      'moment "exp_avg.w.weight" is float32 [2,1], the parameter float32 [1,2]',
    );
  });
});
