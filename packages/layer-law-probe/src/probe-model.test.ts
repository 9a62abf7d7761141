import { createModel, type ModelConfigInput } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seededNormal, seededRandom } from '../test/naive-ols.js';
import { LayerProbe } from './layer-probe.js';
import { modelLayerNames, readModelHiddenStates } from './model-adapter.js';
import { DEFAULT_NORM_EPS, normalizeRow } from './normalization.js';
import { probeModel } from './probe-model.js';

const TINY = { vocabSize: 11, contextLength: 12, dModel: 8, nLayers: 3, nHeads: 2 } as const;

const sequences = (B: number, T: number, seed: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: B }, () =>
    Array.from({ length: T }, () => Math.floor(random() * TINY.vocabSize)),
  );
};

/** The states of every entry, computed step by step with the model's public pieces. */
function referenceStates(config: ModelConfigInput, ids: number[][]): number[][] {
  const model = createModel(config, { seed: 3 });
  try {
    return tf.tidy(() => {
      const trunk = model.trunk(model.embed(ids), { returnHiddenStates: true });
      const head = model.head(0, trunk.output);
      const states = [...(trunk.hiddenStates ?? []).map((s) => s.tensor), model.finalNorm(head)];
      return states.map((state) => Array.from(state.dataSync()));
    });
  } finally {
    model.dispose();
  }
}

describe('readModelHiddenStates', () => {
  const ids = sequences(2, 5, 1);
  const cases: Array<[string, ModelConfigInput, string[]]> = [
    ['one transformer head', TINY, ['embed', 'blocks.0', 'blocks.1', 'heads.0']],
    ['two transformer heads', { ...TINY, heads: { count: 2 } }, ['embed', 'blocks.0', 'blocks.1', 'heads.0']],
    [
      'linear heads, rmsnorm',
      { ...TINY, norm: 'rmsnorm', heads: { count: 2, type: 'linear' } },
      ['embed', 'blocks.0', 'blocks.1', 'blocks.2', 'heads.0'],
    ],
  ];
  for (const [label, config, names] of cases) {
    it(`${label}: embedding, trunk blocks, then head 0 after the trained final norm; no tensor left`, async () => {
      const model = createModel(config, { seed: 3 });
      // A trained final norm is not the identity: give ln_f's weight a visible scale.
      const lnF = model.params['ln_f.weight'] as tf.Variable;
      lnF.assign(tf.fill(lnF.shape, 2.5));
      const before = tf.memory().numTensors;
      const { names: got, states } = await readModelHiddenStates(model, ids);
      expect(tf.memory().numTensors).toBe(before);
      expect(got).toEqual(names);
      expect(modelLayerNames(model.config)).toEqual(names);
      const expected = tf.tidy(() => {
        const trunk = model.trunk(model.embed(ids), { returnHiddenStates: true });
        const last = model.finalNorm(model.head(0, trunk.output));
        return [...(trunk.hiddenStates ?? []).map((s) => s.tensor), last].map((state) =>
          Array.from(state.dataSync()),
        );
      });
      expect(states.map((s) => s.length)).toEqual(names.map(() => 2 * 5 * 8));
      states.forEach((state, l) => {
        const reference = expected[l] as number[];
        for (let k = 0; k < state.length; k++)
          expect(Math.abs((state[k] as number) - (reference[k] as number))).toBeLessThan(1e-5);
      });
      model.dispose();
    });
  }
});

describe('initialized-norm equals a freshly initialised final norm of transformer-core', () => {
  // A new model's ln_f has weight 1 and bias 0, so its finalNorm is exactly the norm the authors apply; this checks
  // that the probe's float64 norm (formula and ε = DEFAULT_NORM_EPS) still matches transformer-core's.
  for (const norm of ['layernorm', 'rmsnorm'] as const) {
    it(`${norm}, ε = ${DEFAULT_NORM_EPS}`, () => {
      const model = createModel({ ...TINY, norm }, { seed: 0 });
      const normal = seededNormal(5);
      // Small-variance rows, so ε matters: a wrong ε moves the output by far more than the tolerance.
      const values = Array.from({ length: 6 * 8 }, () => 0.3 + 0.01 * normal());
      const fresh = tf.tidy(() => Array.from(model.finalNorm(tf.tensor3d(values, [1, 6, 8])).dataSync()));
      const ours = Float64Array.from(values, (v) => Math.fround(v));
      for (let r = 0; r < 6; r++)
        normalizeRow(ours, r * 8, 8, { kind: 'initialized-norm', norm, eps: DEFAULT_NORM_EPS });
      ours.forEach((v, k) => {
        expect(Math.abs(v - (fresh[k] as number))).toBeLessThan(2e-4 * Math.max(1, Math.abs(v)));
      });
      model.dispose();
    });
  }
});

describe('probeModel', () => {
  it('equals a LayerProbe fed with the reference states; leaves numTensors unchanged', async () => {
    const model = createModel(TINY, { seed: 3 });
    const batches = [sequences(4, 12, 2), sequences(3, 12, 3), sequences(5, 12, 4)];
    const before = tf.memory().numTensors;
    const probe = await probeModel({ model, batches, targets: ['current', 'next'], oneHot: true });
    const report = probe.report();
    expect(tf.memory().numTensors).toBe(before);

    const reference = new LayerProbe({
      dModel: 8,
      layers: 4,
      layerNames: ['embed', 'blocks.0', 'blocks.1', 'heads.0'],
      normalization: { kind: 'initialized-norm', norm: 'layernorm' },
      targets: ['current', 'next'],
      oneHot: true,
    });
    for (const ids of batches) reference.add({ ids, hiddenStates: referenceStates(TINY, ids) });
    const expected = reference.report();
    expect(report.layers).toEqual(expected.layers);
    expect(report.normalization).toEqual({ kind: 'initialized-norm', norm: 'layernorm', eps: 1e-5 });
    expect(report.targets.next?.samples).toBe(12 * 11);
    for (const target of ['current', 'next'] as const) {
      expect(report.targets[target]?.rank).toEqual(expected.targets[target]?.rank);
      report.targets[target]?.pr.forEach((pr, l) => {
        expect(pr).toBeCloseTo(expected.targets[target]?.pr[l] as number, 4);
      });
    }
    // The current token is in the embedding itself: with 11 ids and d = 8, at least partly predictable.
    expect(report.targets.current?.pr[0]).toBeLessThan(0.9);
    model.dispose();
  });

  it('takes async batches with a mask and a held-out probe of the same model', async () => {
    const model = createModel({ ...TINY, norm: 'rmsnorm' }, { seed: 4 });
    async function* stream(seed: number) {
      for (let k = 0; k < 3; k++) {
        const ids = sequences(3, 10, seed + k);
        yield { ids, mask: ids.map((row, b) => row.map((_, j) => (j < 10 - b ? 1 : 0))) };
      }
    }
    const before = tf.memory().numTensors;
    const fit = await probeModel({ model, batches: stream(10), normalization: 'z-score' });
    const heldOut = await probeModel({ model, batches: stream(20), normalization: 'z-score' });
    const report = fit.report({ heldOut });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.evaluation).toBe('held-out');
    // Rows of 10, 9 and 8 tokens: 9 + 8 + 7 next-token samples per batch.
    expect(report.targets.next?.samples).toBe(3 * 24);
    expect(report.targets.next?.heldOutSamples).toBe(3 * 24);
    expect(report.targets.next?.pr.every((pr) => Number.isFinite(pr) && pr > 0)).toBe(true);
    model.dispose();
  });

  it('rejects a model that is not one and batches that are not iterable', async () => {
    await expect(probeModel({ model: {} as never, batches: [] })).rejects.toMatchObject({ field: 'model' });
    const model = createModel(TINY, { seed: 0 });
    await expect(probeModel({ model, batches: 3 as never })).rejects.toMatchObject({ field: 'batches' });
    await expect(probeModel({ model, batches: [], normalization: 'batch' as never })).rejects.toMatchObject({
      field: 'normalization.kind',
    });
    model.dispose();
  });
});
