import { createModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  failure,
  maxAbs,
  maxAbsDiff,
  maxArrayDiff,
  sharpModel,
  TINY,
  TOKENS,
  VARIANTS,
} from '../test/fixtures.js';
import { collate } from './collate.js';
import { continuousForward } from './continuous-forward.js';

const { bot, eot, latent: L } = TOKENS;
// Rows with 3, 1, 0 and 2 thoughts.
const ROWS = [
  [1, 2, 3, bot, L, L, L, eot, 4, 5, 6],
  [7, 8, bot, L, eot, 9, 10, 11, 2],
  [3, 4, 5, 6, 1, 2],
  [9, bot, L, L, eot, 1],
];
const BATCH = collate({ rows: ROWS.map((ids) => ({ ids })), tokens: TOKENS });

describe('continuousForward', () => {
  it.each(VARIANTS)('cached and naive thoughts agree to 1e-5, logits and gradients (%s)', (_, config) => {
    const model = sharpModel(config, 3);
    const [B, W] = [BATCH.ids.length, BATCH.ids[0]?.length ?? 0];
    const r = tf.randomNormal([B, W, 16], 0, 1, 'float32', 5);
    const real = realPositions(BATCH);
    const before = tf.memory().numTensors;
    const run = (mode: 'cached' | 'naive') => {
      let passes = 0;
      let logits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const out = continuousForward(model, BATCH, { latent: L, mode });
        passes = out.passes;
        logits = tf.keep(tf.mul(out.logits, real)); // padding positions' outputs are meaningless
        return tf.sum(tf.mul(tf.mul(out.logits, r), real)) as tf.Scalar;
      });
      return { value, grads, passes, logits: logits as tf.Tensor };
    };
    const cached = run('cached');
    const naive = run('naive');
    expect([cached.passes, naive.passes]).toEqual([4, 4]);
    const logitScale = maxAbs(naive.logits);
    expect(logitScale).toBeGreaterThan(1);
    expect(maxAbsDiff(cached.logits, naive.logits)).toBeLessThan(1e-5);
    // Every weight on the next-token path gets a gradient (a second linear head is not run, so it gets none).
    expect(Object.keys(cached.grads).sort()).toEqual(Object.keys(naive.grads).sort());
    for (const [name, param] of Object.entries(model.params)) {
      const b = naive.grads[param.name];
      if (b === undefined) {
        expect(name).toBe('heads.1.weight');
        continue;
      }
      expect(maxAbs(b), name).toBeGreaterThan(0.1);
      // Relative to the gradient's own scale (entries here reach 10–60).
      expect(maxAbsDiff(cached.grads[param.name] as tf.Tensor, b), name).toBeLessThan(1e-5 * maxAbs(b));
    }
    tf.dispose([cached, naive]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([r, real]);
    model.dispose();
  });

  it('feeds back the last state after the final norm: each thought is finalNorm(heads.0) one column earlier', () => {
    const model = sharpModel(TINY, 4);
    const before = tf.memory().numTensors;
    const out = continuousForward(model, BATCH, { latent: L });
    // One plain forward over the embeddings the thoughts produced: a fixed point of the construction.
    const plain = model.forward(
      { inputsEmbeds: out.inputsEmbeds },
      { attentionMask: BATCH.attentionMask, positionIds: BATCH.positionIds, returnHiddenStates: true },
    );
    const last = plain.hiddenStates?.find((s) => s.name === 'heads.0')?.tensor as tf.Tensor3D;
    const normed = tf.tidy(() => model.finalNorm(last).arraySync());
    const embeds = out.inputsEmbeds.arraySync();
    const thoughts = out.thoughts.arraySync();
    const start = BATCH.ids[0]?.indexOf(L) as number;
    expect(out.thoughts.shape).toEqual([4, 3, 8]);
    const counts = BATCH.ids.map((row) => row.filter((id) => id === L).length);
    expect(counts).toEqual([3, 1, 0, 2]);
    for (const [b, count] of counts.entries()) {
      for (let m = 0; m < count; m++) {
        const fed = embeds[b]?.[start + m];
        expect(fed).toEqual(thoughts[b]?.[m]);
        expect(maxArrayDiff(fed, normed[b]?.[start + m - 1])).toBeLessThan(1e-5);
      }
    }
    // Columns that are not thoughts keep their token embeddings.
    const tokens = tf.tidy(() => model.embed(BATCH.ids).arraySync());
    for (const [b, row] of BATCH.ids.entries()) {
      for (const [t, id] of row.entries()) if (id !== L) expect(embeds[b]?.[t]).toEqual(tokens[b]?.[t]);
    }
    const real = realPositions(BATCH);
    const [a, b] = [plain.logits[0] as tf.Tensor, out.logits].map((l) => tf.mul(l, real));
    expect(maxAbsDiff(a as tf.Tensor, b as tf.Tensor)).toBeLessThan(1e-5);
    tf.dispose([out, plain.logits, plain.hiddenStates ?? [], real, a, b]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it.each(['cached', 'naive'] as const)(
    'a batch of rows with 3, 1, 0 and 2 thoughts equals each row run alone (%s)',
    (mode) => {
      const model = sharpModel(TINY, 5);
      const together = continuousForward(model, BATCH, { latent: L, mode });
      const logits = together.logits.arraySync();
      const thoughts = together.thoughts.arraySync();
      for (const [b, ids] of ROWS.entries()) {
        const alone = continuousForward(model, { ids: [ids] }, { latent: L, mode });
        const pad = BATCH.attentionMask[b]?.indexOf(1) as number;
        const inBatch = logits[b]?.slice(pad, pad + ids.length);
        expect(maxArrayDiff(alone.logits.arraySync()[0], inBatch)).toBeLessThan(1e-5);
        const count = alone.thoughts.shape[1];
        expect(count).toBe(ids.filter((id) => id === L).length);
        if (count > 0) {
          expect(maxArrayDiff(alone.thoughts.arraySync()[0], thoughts[b]?.slice(0, count))).toBeLessThan(
            1e-5,
          );
        }
        expect(alone.passes).toBe(count + 1);
        tf.dispose(alone);
      }
      tf.dispose(together);
      model.dispose();
    },
  );

  it('draws the same dropout masks for the same seed', () => {
    const model = createModel({ ...TINY, dropout: 0.3 }, { seed: 6 });
    const run = (seed: number) =>
      tf.tidy(() => continuousForward(model, BATCH, { latent: L, training: true, seed }).logits.arraySync());
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    model.dispose();
  });

  it('rejects layouts one pass per thought cannot fill, naming the row, and leaves no tensors', () => {
    const model = createModel(TINY);
    const before = tf.memory().numTensors;
    const fails = (ids: number[][], attentionMask?: number[][]) =>
      failure(() => continuousForward(model, { ids, attentionMask }, { latent: L }));
    expect(
      fails([
        [1, bot, L, eot],
        [bot, L, eot, 2],
      ]),
    ).toBe(
      "INVALID_BATCH ids[1]: first latent is in column 1, another row's in column 2; align rows with collate()",
    );
    expect(fails([[1, bot, L, 3, L, eot]])).toBe(
      'INVALID_BATCH ids[0]: latent slots must be consecutive (one run between <bot> and <eot>)',
    );
    expect(fails([[L, eot, 1]])).toContain('needs a real token before it');
    expect(fails([[1, bot, L, eot]], [[1, 0, 1, 1]])).toContain('needs a real token before it');
    expect(fails([[1, 2], [3]])).toBe('INVALID_BATCH ids: must be 2 rows of 2 numbers, like ids');
    expect(fails([[1, 2]], [[1, 1, 1]])).toBe(
      'INVALID_BATCH attentionMask: must be 1 rows of 2 numbers, like ids',
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

// [B, W, 1]: 1 at real tokens, 0 at padding (whose outputs are meaningless).
function realPositions(batch: { attentionMask: number[][] }): tf.Tensor3D {
  const [B, W] = [batch.attentionMask.length, batch.attentionMask[0]?.length ?? 0];
  return tf.tensor3d(batch.attentionMask.flat(), [B, W, 1]);
}
