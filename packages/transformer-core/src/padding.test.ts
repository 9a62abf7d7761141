import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randn } from '../test/gradcheck.js';
import { allHeads, TINY, VARIANTS } from '../test/variants.js';
import { decodeStep } from './decode-step.js';
import * as api from './index.js';
import { KVCache } from './kv-cache.js';
import { leftPad, paddedWindow } from './left-padding.js';
import { createModel, type TransformerModel } from './model.js';

// Three prompts of different lengths, left-padded to width 6 (row 2 has 5 padding columns).
const rows = [[1, 4, 2, 9, 0, 7], [3, 10, 5], [8]];
const batch = leftPad(rows, { padId: 6 });
const pads = rows.map((row) => 6 - row.length);

// Logits of one head, row b, columns [pad_b, 6): the row's real positions.
const realPart = (logits: tf.Tensor, b: number) =>
  tf.slice(logits, [b, pads[b] ?? 0, 0], [1, rows[b]?.length ?? 0, -1]);

// The float32 error of a logit grows with its magnitude (summation order differs between the fused kernel and
// stock ops), hence 1e-5 relative to magnitudes above 1.
const scale = (t: tf.Tensor) =>
  Math.max(
    1,
    tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0] ?? 1),
  );

describe('leftPad', () => {
  it('right-aligns rows with a 0/1 mask and positions counted from each row’s first token', () => {
    expect(leftPad([[5, 6, 7], [8]], { padId: 1, width: 4 })).toEqual({
      ids: [
        [1, 5, 6, 7],
        [1, 1, 1, 8],
      ],
      attentionMask: [
        [0, 1, 1, 1],
        [0, 0, 0, 1],
      ],
      positionIds: [
        [0, 0, 1, 2],
        [0, 0, 0, 0],
      ],
    });
    expect(() => leftPad([[1, 2]], { width: 1 })).toThrow(
      'width must be an integer in [2, 65536], at least the longest row (got 1)',
    );
    expect(() => leftPad([[1], []])).toThrow('non-empty token rows');
  });

  it('windows of the layout: a cropped row counts positions from the first visible column', () => {
    // Row 0 has 1 padding column, row 1 has 3; columns [2, 5) visible, columns [4, 5) fed.
    expect(paddedWindow([1, 3], { start: 2, from: 4, to: 5 })).toEqual({
      attentionMask: [
        [1, 1, 1],
        [0, 1, 1],
      ],
      positionIds: [[2], [1]],
    });
  });
});

describe('paddedWindow (exported for batched cached decoding)', () => {
  it('feeds a left-padded batch one column per step: each row’s logits equal the row decoded alone (1e-5)', () => {
    const model = createModel({ ...TINY, positional: 'rope', heads: { count: 2 } }, { seed: 8 });
    const prompts = [[1, 4, 2], [3], [8, 9]];
    const steps = [
      [5, 6, 7],
      [2, 2, 2],
      [0, 10, 4],
    ]; // the column fed at each step, one token per row
    const { ids, attentionMask, positionIds } = leftPad(prompts);
    const promptPads = attentionMask.map((row) => row.indexOf(1));
    const before = tf.memory().numTensors;
    const cache = new KVCache();
    const batched = [decodeStep(model, ids, { kvCache: cache, heads: [0, 1], attentionMask, positionIds })];
    for (const [s, column] of steps.entries()) {
      const window = api.paddedWindow(promptPads, { start: 0, from: 3 + s, to: 4 + s });
      batched.push(
        decodeStep(
          model,
          column.map((t) => [t]),
          { kvCache: cache, heads: [0, 1], ...window },
        ),
      );
    }
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const [b, prompt] of prompts.entries()) {
      const alone = new KVCache();
      const tokens = [prompt, ...steps.map((column) => [column[b] as number])];
      for (const [s, fed] of tokens.entries()) {
        const own = decodeStep(model, [fed], { kvCache: alone, heads: [0, 1] });
        for (const j of [0, 1]) {
          const got = batched[s]?.[j]?.[b]?.[0] as Float32Array;
          const want = own[j]?.[0]?.[0] as Float32Array;
          const gap = Math.max(...got.map((v, k) => Math.abs(v - (want[k] as number))));
          expect(gap, `row ${b} step ${s} head ${j}`).toBeLessThan(1e-5 * Math.max(1, ...want.map(Math.abs)));
        }
      }
      alone.dispose();
    }
    model.dispose();
  });

  it('rejects columns out of order and bad pads', () => {
    expect(() => api.paddedWindow([1], { start: 2, from: 1, to: 3 })).toThrow(
      'paddedWindow: columns must be integers with 0 ≤ start ≤ from < to (got start 2, from 1, to 3)',
    );
    expect(() => api.paddedWindow([1], { start: 0, from: 2, to: 2 })).toThrow('from < to');
    expect(() => api.paddedWindow([-1], { start: 0, from: 0, to: 1 })).toThrow(
      'paddedWindow: pads must be integers ≥ 0 (got -1)',
    );
  });
});

describe.each(VARIANTS)('left-padded batch: %s', (_, config) => {
  const heads = allHeads(config);
  const unpadded = (model: TransformerModel) => rows.map((row) => model.forward([row], { heads }).logits);

  it('gives every real position the logits of the row run alone (1e-5), without NaN at padding', () => {
    const model = createModel(config, { seed: 1 });
    tf.tidy(() => {
      const { logits } = model.forward(batch.ids, { heads, ...batch });
      const alone = unpadded(model);
      for (const [j, l] of logits.entries()) {
        expect(tf.all(tf.isFinite(l)).dataSync()[0]).toBe(1);
        for (const b of rows.keys()) {
          const expected = alone[b]?.[j] as tf.Tensor;
          expect(maxAbsDiff(realPart(l, b), expected) / scale(expected), `head ${j} row ${b}`).toBeLessThan(
            1e-5,
          );
        }
      }
    });
    model.dispose();
  });

  // The padded batch fed through a KV cache in chunks of 4, 1 and 1 columns: logits [3, 6, V] per head.
  const chunked = (model: TransformerModel, cache: KVCache) => {
    const parts = [
      [0, 4],
      [4, 5],
      [5, 6],
    ].map(([from = 0, to = 0]) => {
      const { attentionMask, positionIds } = paddedWindow(pads, { start: 0, from, to });
      const ids = batch.ids.map((row) => row.slice(from, to));
      return model.forward(ids, { heads, kvCache: cache, attentionMask, positionIds }).logits;
    });
    return heads.map((_, j) =>
      tf.concat(
        parts.map((p) => p[j] as tf.Tensor),
        1,
      ),
    );
  };

  it('does the same through a KV cache fed in chunks (mask over cached + new positions)', () => {
    const model = createModel(config, { seed: 2 });
    const cache = new KVCache();
    tf.tidy(() => {
      const alone = unpadded(model);
      for (const [j, l] of chunked(model, cache).entries()) {
        for (const b of rows.keys()) {
          const expected = alone[b]?.[j] as tf.Tensor;
          expect(maxAbsDiff(realPart(l, b), expected) / scale(expected)).toBeLessThan(1e-5);
        }
      }
    });
    expect(cache.length).toBe(6);
    cache.dispose();
    model.dispose();
  });

  it('has the gradients of the rows run alone, in one pass or through a KV cache (loss on real positions)', () => {
    const model = createModel(config, { seed: 3 });
    const r = heads.map((i) => randn([3, 6, 11], 30 + i));
    const realMask = tf.tensor3d(batch.attentionMask.map((row) => row.map((m) => [m])));
    const before = tf.memory().numTensors;
    const onReal = (logits: tf.Tensor[]) =>
      tf.addN(logits.map((l, j) => tf.sum(tf.mul(tf.mul(l, realMask), r[j] as tf.Tensor)))) as tf.Scalar;
    const lossBatched = () => onReal(model.forward(batch.ids, { heads, ...batch }).logits);
    const cache = new KVCache();
    const lossCached = () => onReal(chunked(model, cache));
    const lossAlone = () =>
      tf.addN(
        rows.flatMap((row, b) =>
          model.forward([row], { heads }).logits.map((l, j) => {
            const rb = tf.slice(r[j] as tf.Tensor, [b, pads[b] ?? 0, 0], [1, row.length, 11]);
            return tf.sum(tf.mul(l, rb));
          }),
        ),
      ) as tf.Scalar;
    const alone = tf.variableGrads(lossAlone);
    for (const loss of [lossBatched, lossCached]) {
      const batched = tf.variableGrads(loss);
      for (const [name, param] of Object.entries(model.params)) {
        const expected = alone.grads[param.name] as tf.Tensor;
        const actual = batched.grads[param.name] as tf.Tensor;
        expect(maxAbsDiff(actual, expected) / scale(expected), name).toBeLessThan(1e-5);
      }
      tf.dispose(batched);
    }
    cache.dispose();
    tf.dispose(alone);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([r, realMask]);
    model.dispose();
  });

  it('leaves no tensors behind and gives the same result for tensor and array masks and ids', () => {
    const model = createModel(config, { seed: 4 });
    const before = tf.memory().numTensors;
    const mask = tf.tensor2d(batch.attentionMask, undefined, 'float32');
    const positions = tf.tensor2d(batch.positionIds, undefined, 'int32');
    const fromTensors = model.forward(batch.ids, {
      heads,
      attentionMask: mask,
      positionIds: positions,
    }).logits;
    const fromArrays = model.forward(batch.ids, { heads, ...batch }).logits;
    for (const [j, l] of fromTensors.entries()) expect(maxAbsDiff(l, fromArrays[j] as tf.Tensor)).toBe(0);
    tf.dispose([fromTensors, fromArrays, mask, positions]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('attention mask and position ids', () => {
  const ids = [
    [1, 4, 2, 9],
    [3, 3, 10, 5],
  ];

  it('an all-ones mask changes nothing (the fused kernels keep running)', () => {
    const model = createModel(TINY, { seed: 5 });
    tf.tidy(() => {
      const plain = model.forward(ids).logits[0] as tf.Tensor;
      const ones = ids.map((row) => row.map(() => 1));
      expect(maxAbsDiff(model.forward(ids, { attentionMask: ones }).logits[0] as tf.Tensor, plain)).toBe(0);
      const positions = ids.map((row) => row.map((_, t) => t));
      expect(maxAbsDiff(model.forward(ids, { positionIds: positions }).logits[0] as tf.Tensor, plain)).toBe(
        0,
      );
    });
    model.dispose();
  });

  it('with RoPE, shifting every position by the same amount leaves the logits unchanged', () => {
    const model = createModel({ ...TINY, positional: 'rope' }, { seed: 6 });
    tf.tidy(() => {
      const plain = model.forward(ids).logits[0] as tf.Tensor;
      const shifted = model.forward(ids, {
        positionIds: [
          [5, 6, 7, 8],
          [2, 3, 4, 5],
        ],
      }).logits[0] as tf.Tensor;
      expect(maxAbsDiff(shifted, plain) / scale(plain)).toBeLessThan(1e-5);
    });
    model.dispose();
  });

  it('a fully masked row gives finite logits and does not disturb the other rows', () => {
    const model = createModel({ ...TINY, heads: { count: 2 } }, { seed: 7 });
    tf.tidy(() => {
      const attentionMask = [
        [1, 1, 1, 1],
        [0, 0, 0, 0],
      ];
      const { logits } = model.forward(ids, { heads: [0, 1], attentionMask });
      const alone = model.forward([ids[0] as number[]], { heads: [0, 1] }).logits;
      for (const [j, l] of logits.entries()) {
        expect(tf.all(tf.isFinite(l)).dataSync()[0]).toBe(1);
        const first = tf.slice(l, [0, 0, 0], [1, 4, 11]);
        expect(maxAbsDiff(first, alone[j] as tf.Tensor) / scale(first)).toBeLessThan(1e-5);
      }
      // Its gradients are finite too: a loss that (wrongly) counts the masked row cannot poison the weights.
      const { grads } = tf.variableGrads(
        () =>
          tf.sum(model.forward(ids, { heads: [0, 1], attentionMask }).logits[1] as tf.Tensor) as tf.Scalar,
      );
      for (const g of Object.values(grads)) expect(tf.all(tf.isFinite(g)).dataSync()[0]).toBe(1);
    });
    model.dispose();
  });
});
