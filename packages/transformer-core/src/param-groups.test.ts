import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TINY } from '../test/variants.js';
import type { ModelConfigInput } from './config.js';
import { ModelError } from './errors.js';
import { createModel, type TransformerModel } from './model.js';
import { parameterGroups, setTrainable } from './param-groups.js';
import { crossEntropy } from './train/cross-entropy.js';
import { train } from './train/trainer.js';

const ids = [
  [1, 4, 2, 0],
  [3, 3, 1, 2],
];

// Names of the weights that receive a gradient from head i's logits (embed → trunk → head i → unembed).
function reachedByHead(model: TransformerModel, head: number): string[] {
  const names = Object.keys(model.params);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(model.forward(ids, { heads: [head] }).logits[0] as tf.Tensor) as tf.Scalar,
    Object.values(model.params),
  );
  const reached = names.filter((name) => (model.params[name] as tf.Variable).name in grads);
  tf.dispose([value, grads]);
  return reached;
}

const configs = fc.record({
  nLayers: fc.integer({ min: 1, max: 3 }),
  norm: fc.constantFrom('layernorm' as const, 'rmsnorm' as const),
  positional: fc.constantFrom('learned' as const, 'rope' as const),
  tieEmbeddings: fc.boolean(),
  heads: fc.record({
    count: fc.integer({ min: 1, max: 4 }),
    type: fc.constantFrom('linear' as const, 'transformer' as const),
  }),
});

describe('parameterGroups', () => {
  it('partitions model.params exactly, and each head reaches just the trunk, its own group and the shared weights', () => {
    fc.assert(
      fc.property(configs, (shape) => {
        const config: ModelConfigInput = { vocabSize: 5, contextLength: 4, dModel: 4, nHeads: 2, ...shape };
        const model = createModel(config);
        const before = tf.memory().numTensors;
        const groups = parameterGroups(model);
        const listed = [...groups.trunk, ...groups.heads.flat(), ...groups.shared];
        expect(listed.slice().sort()).toEqual(Object.keys(model.params).sort());
        expect(new Set(listed).size).toBe(listed.length);
        expect(groups.heads).toHaveLength(shape.heads.count);
        const perBlock = shape.norm === 'layernorm' ? 8 : 6;
        const trunkBlocks = shape.heads.type === 'transformer' ? shape.nLayers - 1 : shape.nLayers;
        expect(groups.trunk).toHaveLength(trunkBlocks * perBlock);
        for (const head of groups.heads)
          expect(head).toHaveLength(shape.heads.type === 'linear' ? 1 : perBlock);
        groups.heads.forEach((head, i) => {
          expect(reachedByHead(model, i).sort()).toEqual([...groups.trunk, ...head, ...groups.shared].sort());
        });
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
      }),
      { numRuns: 15 },
    );
  });

  it('names the shared weights of each config shape', () => {
    const shared = (config: ModelConfigInput) => {
      const model = createModel(config);
      const names = parameterGroups(model).shared;
      model.dispose();
      return names;
    };
    expect(shared(TINY)).toEqual(['tok_emb.weight', 'pos_emb.weight', 'ln_f.weight', 'ln_f.bias']);
    expect(shared({ ...TINY, positional: 'rope', norm: 'rmsnorm', tieEmbeddings: false })).toEqual([
      'tok_emb.weight',
      'ln_f.weight',
      'lm_head.weight',
    ]);
  });
});

describe('setTrainable', () => {
  it('freezes a group for train(): frozen weights stay bit-identical, the others learn', async () => {
    // "Add heads to a trained next-token model": train head 1 only, everything head 0 uses stays put.
    const model = createModel({ ...TINY, heads: { count: 2 } }, { seed: 3 });
    const groups = parameterGroups(model);
    const frozen = [...groups.trunk, ...groups.shared, ...(groups.heads[0] as string[])];
    setTrainable({ params: model.params, names: frozen, trainable: false });
    const snapshot = (names: string[]) => names.map((n) => (model.params[n] as tf.Variable).arraySync());
    const frozenBefore = snapshot(frozen);
    const headBefore = snapshot(groups.heads[1] as string[]);
    const targets = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [2, 4], 'int32');
    const before = tf.memory().numTensors;
    await train({
      params: model.params,
      lossFn: () => crossEntropy(model.forward(ids, { heads: [1] }).logits[0] as tf.Tensor3D, targets),
      batches: () => null,
      steps: 3,
      learningRate: 0.01,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(snapshot(frozen)).toEqual(frozenBefore);
    snapshot(groups.heads[1] as string[]).forEach((after, k) => {
      expect(after, (groups.heads[1] as string[])[k]).not.toEqual(headBefore[k]);
    });
    setTrainable({ params: model.params, names: frozen, trainable: true });
    expect(Object.values(model.params).every((p) => p.trainable)).toBe(true);
    targets.dispose();
    model.dispose();
  });

  it('rejects unknown names, listing them, and changes nothing', () => {
    const model = createModel(TINY);
    let error: unknown;
    try {
      setTrainable({
        params: model.params,
        names: ['blocks.0.ln1.weight', 'block.0.typo', 'x'],
        trainable: false,
      });
    } catch (e) {
      error = e;
    }
    expect(ModelError.isInstance(error) && error.code).toBe('INPUT_INVALID');
    expect((error as Error).message).toMatch(/unknown weight names "block.0.typo", "x"/);
    expect(Object.values(model.params).every((p) => p.trainable)).toBe(true);
    model.dispose();
  });
});
