import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gradientMismatches } from '../test/finite-differences.js';
import { maxAbsDiff, sharpModel, TINY, TOKENS } from '../test/fixtures.js';
import { type CoconutBatch, collate } from './collate.js';
import { continuousForward } from './continuous-forward.js';
import { coconutLoss } from './loss.js';
import { stageExample } from './stages.js';

const L = TOKENS.latent;
const EXAMPLES = [
  { question: [1, 2, 3], steps: [[4, 5], [6], [7, 8]], answer: [9, 10, 11] },
  { question: [2, 5], steps: [[3], [1, 1]], answer: [6, 11] },
];
// Stage 2 and stage 1 rows: 2 and 1 thoughts.
const BATCH = collate({
  rows: [
    stageExample({ example: EXAMPLES[0] as never, stage: 2, maxLatentStage: 3, tokens: TOKENS }),
    stageExample({ example: EXAMPLES[1] as never, stage: 1, maxLatentStage: 3, tokens: TOKENS }),
  ],
  tokens: TOKENS,
});

function lossAndGrads(model: ReturnType<typeof sharpModel>, batch: CoconutBatch) {
  const { value, grads } = tf.variableGrads(() => coconutLoss(model, batch, { latent: L }));
  const loss = value.dataSync()[0] as number;
  value.dispose();
  return { loss, grads };
}

describe('coconutLoss', () => {
  it('is the mean cross-entropy of each supervised token given everything before it', () => {
    const model = sharpModel(TINY, 11);
    const loss = tf.tidy(() => coconutLoss(model, BATCH, { latent: L }).dataSync()[0] as number);
    // By hand from the logits: the prediction at column t scores label t + 1.
    const logits = tf.tidy(() => continuousForward(model, BATCH, { latent: L }).logits.arraySync());
    let sum = 0;
    let count = 0;
    for (const [b, labels] of BATCH.labels.entries()) {
      for (let t = 0; t + 1 < labels.length; t++) {
        if (BATCH.lossMask[b]?.[t + 1] !== 1) continue;
        const z = logits[b]?.[t] as number[];
        const top = Math.max(...z);
        const logSumExp = top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
        sum += logSumExp - (z[labels[t + 1] as number] as number);
        count++;
      }
    }
    // Row 0 keeps step 3 (2 tokens) and the answer (3); row 1 keeps step 2 (2) and the answer (2).
    expect(count).toBe(9);
    expect(Math.abs(loss - sum / count)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('ignores labels under a 0 of the loss mask: same loss, same gradients', () => {
    const model = sharpModel(TINY, 12);
    const before = tf.memory().numTensors;
    const original = lossAndGrads(model, BATCH);
    // Every masked label (question, markers, thoughts, padding) replaced by a real token id.
    const scrambled = {
      ...BATCH,
      labels: BATCH.labels.map((row, b) =>
        row.map((y, t) => (BATCH.lossMask[b]?.[t] ? y : (3 * t + b) % 16)),
      ),
    };
    expect(scrambled.labels).not.toEqual(BATCH.labels);
    const changed = lossAndGrads(model, scrambled);
    expect(changed.loss).toBe(original.loss);
    for (const name of Object.keys(original.grads)) {
      expect(maxAbsDiff(changed.grads[name] as tf.Tensor, original.grads[name] as tf.Tensor), name).toBe(0);
    }
    // The control: changing one supervised label does change the loss.
    const b = 0;
    const t = BATCH.lossMask[b]?.lastIndexOf(1) as number;
    const supervised = {
      ...BATCH,
      labels: BATCH.labels.map((row, r) => row.map((y, c) => (r === b && c === t ? (y + 1) % 16 : y))),
    };
    const control = lossAndGrads(model, supervised);
    expect(Math.abs(control.loss - original.loss)).toBeGreaterThan(1e-3);
    tf.dispose([original.grads, changed.grads, control.grads]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('reaches the question through the thoughts (finite differences), not only through attention', () => {
    // Untied embeddings: the question tokens' rows of tok_emb then act at the question positions only.
    const model = sharpModel({ ...TINY, tieEmbeddings: false }, 13);
    const emb = model.params['tok_emb.weight'] as tf.Variable;
    const loss = () => coconutLoss(model, BATCH, { latent: L });
    const { grads } = tf.variableGrads(loss);
    const analytic = grads[emb.name] as tf.Tensor;
    // Every coordinate of the rows of tokens 1, 2, 3 (question-only tokens).
    const d = 8;
    const indices = [1, 2, 3].flatMap((token) => Array.from({ length: d }, (_, i) => token * d + i));
    // A small step: the sharpened weights make the loss strongly curved.
    const { mismatches } = gradientMismatches(emb, loss, analytic, indices, { eps: 2e-3 });
    expect(mismatches).toEqual([]);

    // Holding the thoughts constant gives a gradient that finite differences reject at most coordinates: a large
    // part of what reaches the question flows through the fed-back states.
    const thoughtColumns = tf.tensor3d(
      BATCH.ids.flatMap((row) => row.map((id) => (id === L ? 1 : 0))),
      [BATCH.ids.length, BATCH.ids[0]?.length ?? 0, 1],
    );
    const constantThoughts = tf.tidy(() => continuousForward(model, BATCH, { latent: L }).inputsEmbeds);
    const detached = tf.variableGrads(() => {
      const embeds = tf.add(
        tf.mul(model.embed(BATCH.ids), tf.sub(1, thoughtColumns)),
        tf.mul(constantThoughts, thoughtColumns),
      ) as tf.Tensor3D;
      const logits = model.forward(
        { inputsEmbeds: embeds },
        { attentionMask: BATCH.attentionMask, positionIds: BATCH.positionIds },
      ).logits[0] as tf.Tensor3D;
      const W = BATCH.ids[0]?.length as number;
      const targets = BATCH.labels.map((row) => row.slice(1));
      const mask = BATCH.lossMask.map((row) => row.slice(1));
      return tfCrossEntropy(tf.slice(logits, [0, 0, 0], [-1, W - 1, -1]), targets, mask);
    });
    const withoutThoughts = gradientMismatches(emb, loss, detached.grads[emb.name] as tf.Tensor, indices, {
      eps: 2e-3,
    });
    expect(withoutThoughts.mismatches.length).toBeGreaterThan(indices.length / 2);
    tf.dispose([grads, detached, thoughtColumns, constantThoughts]);
    model.dispose();
  });
});

// Mean cross-entropy over the kept positions, written with stock ops (an independent path).
function tfCrossEntropy(logits: tf.Tensor3D, targets: number[][], mask: number[][]): tf.Scalar {
  const V = logits.shape[2];
  const oneHot = tf.oneHot(
    tf.tensor2d(
      targets.map((row) => row.map((y) => Math.max(0, y))),
      undefined,
      'int32',
    ),
    V,
  );
  const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), -1));
  const weights = tf.tensor2d(mask);
  return tf.div(tf.sum(tf.mul(nll, weights)), tf.sum(weights)) as tf.Scalar;
}
