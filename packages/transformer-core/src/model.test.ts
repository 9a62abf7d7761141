import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { maxAbsDiff, randn } from '../test/gradcheck.js';
import { allHeads, TINY, VARIANTS } from '../test/variants.js';
import { ModelError } from './errors.js';
import { KVCache } from './kv-cache.js';
import { createModel, type HiddenState, type TransformerModel } from './model.js';

const ids = [
  [1, 4, 2, 9, 0, 7],
  [3, 3, 10, 5, 6, 1],
];

function shapes(model: TransformerModel): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.params).map(([name, p]) => [name, p.shape]));
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (ModelError.isInstance(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('createModel', () => {
  it('names weights as documented, in PyTorch [out, in] layout', () => {
    const model = createModel({ ...TINY, heads: { count: 2 } });
    const block = (prefix: string) => ({
      [`${prefix}.ln1.weight`]: [8],
      [`${prefix}.ln1.bias`]: [8],
      [`${prefix}.attn.qkv.weight`]: [24, 8],
      [`${prefix}.attn.proj.weight`]: [8, 8],
      [`${prefix}.ln2.weight`]: [8],
      [`${prefix}.ln2.bias`]: [8],
      [`${prefix}.mlp.fc.weight`]: [32, 8],
      [`${prefix}.mlp.proj.weight`]: [8, 32],
    });
    expect(Object.entries(shapes(model))).toEqual(
      Object.entries({
        'tok_emb.weight': [11, 8],
        'pos_emb.weight': [12, 8],
        ...block('blocks.0'),
        ...block('heads.0'),
        ...block('heads.1'),
        'ln_f.weight': [8],
        'ln_f.bias': [8],
      }),
    );
    model.dispose();
  });

  it('has rmsnorm weights without bias, linear heads, no position table with RoPE, and lm_head when untied', () => {
    const model = createModel({
      ...TINY,
      nLayers: 1,
      norm: 'rmsnorm',
      positional: 'rope',
      tieEmbeddings: false,
      heads: { count: 2, type: 'linear' },
      mlpRatio: 2,
    });
    expect(shapes(model)).toEqual({
      'tok_emb.weight': [11, 8],
      'blocks.0.ln1.weight': [8],
      'blocks.0.attn.qkv.weight': [24, 8],
      'blocks.0.attn.proj.weight': [8, 8],
      'blocks.0.ln2.weight': [8],
      'blocks.0.mlp.fc.weight': [16, 8],
      'blocks.0.mlp.proj.weight': [8, 16],
      'heads.0.weight': [8, 8],
      'heads.1.weight': [8, 8],
      'ln_f.weight': [8],
      'lm_head.weight': [11, 8],
    });
    model.dispose();
  });

  it('initialises deterministically from the seed', () => {
    const config = VARIANTS[0]?.[1] ?? { vocabSize: 1, contextLength: 1, dModel: 1, nLayers: 1, nHeads: 1 };
    const [a, b, c] = [
      createModel(config, { seed: 5 }),
      createModel(config, { seed: 5 }),
      createModel(config, { seed: 6 }),
    ];
    for (const [name, p] of Object.entries(a.params)) {
      expect(Array.from(p.dataSync()), name).toEqual(Array.from(b.params[name]?.dataSync() ?? []));
    }
    expect(
      maxAbsDiff(a.params['tok_emb.weight'] as tf.Tensor, c.params['tok_emb.weight'] as tf.Tensor),
    ).toBeGreaterThan(0.01);
    // Different weights of one model are drawn from different streams.
    const qkv = a.params['heads.0.attn.qkv.weight'] as tf.Tensor;
    const fc = a.params['blocks.0.mlp.fc.weight'] as tf.Tensor;
    expect(qkv.dataSync()[0]).not.toBe(fc.dataSync()[0]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('initialises seed 0 deterministically too (tfjs reads a normal seed of 0 as none)', () => {
    const config = VARIANTS[0]?.[1] ?? { vocabSize: 1, contextLength: 1, dModel: 1, nLayers: 1, nHeads: 1 };
    const [a, b] = [createModel(config, { seed: 0 }), createModel(config, { seed: 0 })];
    for (const [name, p] of Object.entries(a.params)) {
      expect(Array.from(p.dataSync()), name).toEqual(Array.from(b.params[name]?.dataSync() ?? []));
    }
    for (const m of [a, b]) m.dispose();
  });

  it('disposes every tensor it created', () => {
    const before = tf.memory().numTensors;
    createModel({ ...TINY, positional: 'rope' }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(VARIANTS)('model: %s', (_, config) => {
  const heads = allHeads(config);

  it('forward = embed → trunk → head(i) → unembed, and input embeddings give the same logits as ids', () => {
    const model = createModel(config, { seed: 1 });
    tf.tidy(() => {
      const { logits } = model.forward(ids, { heads });
      expect(logits.map((l) => l.shape)).toEqual(heads.map(() => [2, 6, 11]));
      const z = model.trunk(model.embed(ids)).output;
      heads.forEach((i, j) => {
        expect(maxAbsDiff(model.unembed(model.head(i, z)), logits[j] as tf.Tensor)).toBe(0);
      });
      const fromEmbeds = model.forward({ inputsEmbeds: model.embed(ids) }, { heads }).logits;
      for (const [j, l] of fromEmbeds.entries()) expect(maxAbsDiff(l, logits[j] as tf.Tensor)).toBe(0);
    });
    model.dispose();
  });

  it('names its hidden states: embed, blocks.<l> (the trunk), then heads.<i> for each requested head', () => {
    const model = createModel(config, { seed: 1 });
    const requested = [...heads].reverse(); // order follows options.heads, not the head index
    const trunkBlocks =
      model.config.heads.type === 'transformer' ? model.config.nLayers - 1 : model.config.nLayers;
    tf.tidy(() => {
      const { hiddenStates = [], logits } = model.forward(ids, {
        heads: requested,
        returnHiddenStates: true,
      });
      expect(hiddenStates.map((s) => s.name)).toEqual([
        'embed',
        ...Array.from({ length: trunkBlocks }, (_, l) => `blocks.${l}`),
        ...requested.map((i) => `heads.${i}`),
      ]);
      for (const { tensor } of hiddenStates) expect(tensor.shape).toEqual([2, 6, 8]);
      // The names are typed too: a misspelt one does not compile.
      expectTypeOf<HiddenState['name']>().toEqualTypeOf<'embed' | `blocks.${number}` | `heads.${number}`>();
      // @ts-expect-error 'block.0' is not a hidden state name
      expect(hiddenStates.find((s) => s.name === 'block.0')).toBeUndefined();
      const state = (name: string) => hiddenStates.find((s) => s.name === name)?.tensor as tf.Tensor3D;
      // embed: token embedding plus learned positions (dropout is off).
      const x = model.embed(ids);
      const positions = model.params['pos_emb.weight'];
      const embedded = positions ? tf.add(x, tf.slice(positions, [0, 0], [6, 8])) : x;
      expect(maxAbsDiff(state('embed'), embedded)).toBe(0);
      // The trunk reports the same states; its last block is the trunk output z.
      const trunk = model.trunk(x, { returnHiddenStates: true });
      expect(trunk.hiddenStates?.map((s) => s.name)).toEqual(
        hiddenStates.slice(0, trunkBlocks + 1).map((s) => s.name),
      );
      for (const [l, s] of (trunk.hiddenStates ?? []).entries()) {
        expect(maxAbsDiff(s.tensor, (hiddenStates[l] as { tensor: tf.Tensor3D }).tensor)).toBe(0);
      }
      expect(maxAbsDiff(state(`blocks.${trunkBlocks - 1}`) ?? state('embed'), trunk.output)).toBe(0);
      // heads.<i> is head i's output before ln_f: unembed turns it into that head's logits.
      requested.forEach((i, j) => {
        expect(maxAbsDiff(state(`heads.${i}`), model.head(i, trunk.output))).toBe(0);
        expect(maxAbsDiff(model.unembed(state(`heads.${i}`)), logits[j] as tf.Tensor)).toBe(0);
      });
    });
    model.dispose();
  });

  it("returns hidden states of its own: disposing them leaves the caller's input embeddings intact", () => {
    const model = createModel({
      ...config,
      nLayers: 1,
      heads: { count: 1, type: 'transformer' },
      positional: 'rope',
    });
    const x = model.embed(ids);
    const before = tf.memory().numTensors;
    const out = model.forward({ inputsEmbeds: x }, { returnHiddenStates: true });
    // No trunk block and no position table: the trunk output is its input, yet a tensor of the call's own.
    expect(out.hiddenStates?.map((s) => s.name)).toEqual(['embed', 'heads.0']);
    tf.dispose([out.logits, out.hiddenStates ?? []]);
    expect(x.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('is causal: a later token does not change earlier logits', () => {
    const model = createModel(config, { seed: 2 });
    tf.tidy(() => {
      const a = model.forward([[1, 2, 3, 4]], { heads }).logits;
      const b = model.forward([[1, 2, 3, 9]], { heads }).logits;
      a.forEach((l, j) => {
        const prefix = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [1, 3, 11]);
        expect(maxAbsDiff(prefix(l), prefix(b[j] as tf.Tensor))).toBe(0);
      });
    });
    model.dispose();
  });

  it('loads weights from another model and then computes its logits', () => {
    const source = createModel(config, { seed: 3 });
    const target = createModel(config, { seed: 4 });
    target.loadWeights(source.params);
    const expected = source.forward(ids, { heads }).logits;
    source.dispose();
    // The loaded weights share data with the source's, and survive the source being disposed.
    const actual = target.forward(ids, { heads }).logits;
    for (const [j, l] of actual.entries()) expect(maxAbsDiff(l, expected[j] as tf.Tensor)).toBe(0);
    tf.dispose([...expected, ...actual]);
    target.dispose();
  });

  it('leaves no tensors behind once forward outputs are disposed', () => {
    const model = createModel(config, { seed: 1 });
    const before = tf.memory().numTensors;
    const out = model.forward(ids, { heads, returnHiddenStates: true, training: true, seed: 1 });
    tf.dispose([out.logits, out.hiddenStates ?? []]);
    const idTensor = tf.tensor2d(ids, [2, 6], 'int32');
    tf.dispose(model.forward(idTensor).logits);
    idTensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('parameter gradients match finite differences', () => {
    const model = createModel(config, { seed: 7 });
    const r = heads.map((i) => randn([2, 6, 11], 100 + i));
    const loss = () =>
      tf.tidy(
        () =>
          tf.addN(
            model.forward(ids, { heads }).logits.map((l, j) => tf.sum(tf.mul(l, r[j] as tf.Tensor))),
          ) as tf.Scalar,
      );
    const { grads } = tf.variableGrads(loss);
    const mismatches: string[] = [];
    for (const [name, param] of Object.entries(model.params)) {
      const original = param.dataSync().slice();
      const analytic = (grads[param.name] as tf.Tensor).dataSync();
      for (const j of [0, Math.floor(original.length / 2), original.length - 1]) {
        const at = (delta: number): number => {
          const values = original.slice();
          values[j] = (values[j] ?? 0) + delta;
          param.assign(tf.tensor(values, param.shape));
          return loss().dataSync()[0] ?? Number.NaN;
        };
        const numeric = (at(1e-3) - at(-1e-3)) / 2e-3;
        param.assign(tf.tensor(original, param.shape));
        const exact = analytic[j] ?? Number.NaN;
        if (!(Math.abs(numeric - exact) <= 3e-3 + 3e-2 * Math.abs(numeric))) {
          mismatches.push(`${name}[${j}]: analytic ${exact}, numeric ${numeric}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    model.dispose();
  });

  it('trains: a one-hot cross-entropy on the logits has finite, non-zero gradients for every weight', () => {
    const model = createModel(config, { seed: 8 });
    const targets = tf.oneHot(tf.tensor2d(ids, [2, 6], 'int32'), 11);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const losses = model
          .forward(ids, { heads })
          .logits.map((l) => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(l)), -1))));
        return tf.addN(losses) as tf.Scalar;
      }),
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [name, param] of Object.entries(model.params)) {
      const g = grads[param.name] as tf.Tensor;
      const norm = tf.tidy(() => tf.norm(g).dataSync()[0] ?? Number.NaN);
      expect(Number.isFinite(norm) && norm > 0, `${name}: |grad| = ${norm}`).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    targets.dispose();
    model.dispose();
  });
});

describe('dropout', () => {
  const config = { ...TINY, dropout: 0.3 };
  const logits = (model: TransformerModel, options: { training?: boolean; seed?: number }) =>
    tf.tidy(() => Array.from((model.forward(ids, options).logits[0] as tf.Tensor).dataSync()));

  it('is off unless training, and seeded per call when training', () => {
    const model = createModel(config, { seed: 1 });
    const evalLogits = logits(model, {});
    expect(logits(model, { training: false, seed: 3 })).toEqual(evalLogits);
    expect(logits(model, { training: true, seed: 3 })).toEqual(logits(model, { training: true, seed: 3 }));
    expect(logits(model, { training: true, seed: 3 })).not.toEqual(
      logits(model, { training: true, seed: 4 }),
    );
    expect(logits(model, { training: true, seed: 3 })).not.toEqual(evalLogits);
    model.dispose();
  });

  it('without a call seed, draws successive masks from the model seed', () => {
    const [a, b] = [createModel(config, { seed: 1 }), createModel(config, { seed: 1 })];
    const first = logits(a, { training: true });
    expect(logits(a, { training: true })).not.toEqual(first);
    expect(logits(b, { training: true })).toEqual(first);
    a.dispose();
    b.dispose();
  });
});

describe('errors', () => {
  const model = createModel({ ...TINY, contextLength: 6, nLayers: 1, heads: { count: 2 } });

  it('names the problem with the input', () => {
    expect(errorCode(() => model.forward([[1, 11]]))).toBe(
      'INPUT_INVALID: token id 11 is not an integer in [0, 11)',
    );
    expect(errorCode(() => model.forward([[1, 2], [3]]))).toContain('rows of equal length');
    expect(errorCode(() => model.forward([[0, 1, 2, 3, 4, 5, 6]]))).toContain('exceed contextLength 6');
    expect(errorCode(() => model.forward(tf.tensor2d([[1, 2]], [1, 2], 'float32') as tf.Tensor2D))).toContain(
      'int32 tensor',
    );
    const cache = new KVCache();
    expect(errorCode(() => model.forward([[1]], { heads: [2], kvCache: cache }))).toContain(
      'integer in [0, 1] (got 2)',
    );
    expect(cache.length).toBe(0);
    cache.dispose();
    expect(errorCode(() => model.forward([[1]], { heads: [] }))).toContain('at least one head');
    expect(errorCode(() => model.trunk(tf.zeros([1, 2, 4]) as tf.Tensor3D))).toContain('[B, T, 8]');
  });

  it('never embeds an out-of-range id of a token-id tensor silently: NaN from its position on, or a gather error', () => {
    const before = tf.memory().numTensors;
    for (const bad of [11, -1, 111]) {
      const tensorIds = tf.tensor2d([[1, 2, bad, 3], ids[0]?.slice(0, 4) ?? []], [2, 4], 'int32');
      let logits: number[][][] | undefined;
      try {
        logits = tf.tidy(() => (model.forward(tensorIds).logits[0] as tf.Tensor).arraySync() as number[][][]);
      } catch (error) {
        // cpu's gather (and wasm's, above 256 tokens) checks the ids it reads anyway.
        expect(String(error)).toContain(`GatherV2: the index value ${bad} is not in [0, 10]`);
      }
      tensorIds.dispose();
      if (logits === undefined) continue;
      // The row is causal: positions before the bad id are untouched, it and every later one are NaN.
      const [row, other] = logits as [number[][], number[][]];
      expect(row.map((position) => position.filter(Number.isNaN).length)).toEqual([0, 0, 11, 11]);
      expect(other.flat().every(Number.isFinite)).toBe(true);
    }
    // Valid ids: a tensor gives exactly the logits of the same ids as arrays, and its gradients.
    const asArrays = ids.map((row) => row.slice(0, 4));
    const asTensor = tf.tensor2d(asArrays, [2, 4], 'int32');
    const loss = (input: number[][] | tf.Tensor2D) => () =>
      tf.sum(tf.square(model.forward(input).logits[0] as tf.Tensor)) as tf.Scalar;
    const [fromArrays, fromTensor] = [tf.variableGrads(loss(asArrays)), tf.variableGrads(loss(asTensor))];
    expect(fromTensor.value.dataSync()[0]).toBe(fromArrays.value.dataSync()[0]);
    for (const [name, g] of Object.entries(fromArrays.grads)) {
      expect(maxAbsDiff(fromTensor.grads[name] as tf.Tensor, g), name).toBe(0);
    }
    tf.dispose([fromArrays, fromTensor, asTensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names missing, unknown and mis-shaped weights and loads nothing', () => {
    const before = Array.from((model.params['ln_f.weight'] as tf.Tensor).dataSync());
    const weights: Record<string, tf.Tensor> = { ...model.params };
    delete weights['heads.1.mlp.fc.weight'];
    weights['ln_f.weight'] = tf.zeros([8]);
    weights['heads.0.attn.qkv.weight'] = tf.zeros([8, 24]);
    weights['lm_head.weight'] = tf.zeros([11, 8]);
    weights['tok_emb.weight'] = tf.zeros([11, 8], 'int32');
    const message = errorCode(() => model.loadWeights(weights));
    expect(message).toContain('WEIGHTS_INVALID');
    expect(message).toContain('missing tensor "heads.1.mlp.fc.weight" [32,8]');
    expect(message).toContain('tensor "heads.0.attn.qkv.weight" has shape [8,24], expected [24,8]');
    expect(message).toContain('unknown tensor "lm_head.weight"');
    expect(message).toContain('tensor "tok_emb.weight" has dtype int32, expected float32');
    expect(Array.from((model.params['ln_f.weight'] as tf.Tensor).dataSync())).toEqual(before);
  });
});
