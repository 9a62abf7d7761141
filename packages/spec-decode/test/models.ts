import {
  createModel,
  crossEntropy,
  seededRandom,
  type TransformerModel,
  train,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link samplingModel}. */
export interface SamplingModelOptions {
  vocabSize: number;
  seed: number;
  /**
   * `ln_f.weight`: how much the context moves the logits. With gain g the logits are `(g·n(h) + b)·Eᵀ`, n the
   * normalised head output and b a fixed random bias, so a small gain makes every position's distribution close
   * to every other's.
   */
  gain: number;
  /** Give heads 1 … 2 head 0's weights, so a head's proposal is head 0's distribution one position early. */
  sameHeads?: boolean;
}

/**
 * A random 3-linear-head model whose distributions are far from uniform (token embeddings N(0, 0.3²) instead of
 * GPT-2's N(0, 0.02²)), for tests that compare sampled frequencies with exact probabilities.
 */
export function samplingModel({
  vocabSize,
  seed,
  gain,
  sameHeads = false,
}: SamplingModelOptions): TransformerModel {
  const d = 8;
  const model = createModel(
    { vocabSize, contextLength: 8, dModel: d, nLayers: 1, nHeads: 2, heads: { count: 3, type: 'linear' } },
    { seed },
  );
  const p = model.params;
  tf.tidy(() => {
    p['tok_emb.weight']?.assign(tf.randomNormal([vocabSize, d], 0, 0.3, 'float32', seed));
    p['ln_f.weight']?.assign(tf.fill([d], gain));
    p['ln_f.bias']?.assign(tf.randomNormal([d], 0, 0.5, 'float32', seed + 1));
    if (sameHeads) for (const j of [1, 2]) p[`heads.${j}.weight`]?.assign(p['heads.0.weight'] as tf.Variable);
  });
  return model;
}

/** A copy of `model` (same config and weights) with N(0, σ²) noise added to its final norm's bias. */
export function perturbedCopy(model: TransformerModel, sigma: number, seed: number): TransformerModel {
  const copy = createModel(model.config);
  tf.tidy(() => {
    for (const [name, param] of Object.entries(model.params)) copy.params[name]?.assign(param);
    const bias = copy.params['ln_f.bias'] as tf.Variable;
    bias.assign(tf.add(bias, tf.randomNormal(bias.shape, 0, sigma, 'float32', seed)));
  });
  return copy;
}

/**
 * A model whose heads all agree, always: its `k` linear heads are zero maps, so every head at every position
 * gives the logits `ln_f.bias · Eᵀ`, and greedy decoding repeats their argmax forever.
 */
export function agreeingHeadsModel(k: number): TransformerModel {
  const model = createModel(
    {
      vocabSize: 11,
      contextLength: 32,
      dModel: 8,
      nLayers: 1,
      nHeads: 2,
      heads: { count: k, type: 'linear' },
    },
    { seed: 3 },
  );
  tf.tidy(() => {
    for (let i = 0; i < k; i++) model.params[`heads.${i}.weight`]?.assign(tf.zeros([8, 8]));
    model.params['ln_f.bias']?.assign(tf.randomNormal([8], 0, 1, 'float32', 4));
  });
  return model;
}

/**
 * The sequences the trained test models learn: mostly `x_{t+1} = π(x_t)` with `π(x) = (5x + 3) mod V`, one cycle
 * through every token when V is a power of two (Hull–Dobell), but with probability `jump` a uniformly random token
 * instead (drawn from `random`), so that the model is unsure and drafts are sometimes rejected.
 */
export function cycleSequence(
  start: number,
  length: number,
  vocabSize: number,
  jump = 0,
  random = Math.random,
): number[] {
  const sequence = [start % vocabSize];
  while (sequence.length < length) {
    const next = ((sequence.at(-1) ?? 0) * 5 + 3) % vocabSize;
    sequence.push(random() < jump ? Math.floor(random() * vocabSize) : next);
  }
  return sequence;
}

/** Options of {@link trainedCycleModel}. */
export interface TrainedModelOptions {
  /** Config fields that differ from the default (V = 8, C = 8, d = 16, 2 layers, 4 linear heads). */
  config?: Partial<Parameters<typeof createModel>[0]>;
  seed: number;
  steps: number;
}

/**
 * A multi-head model trained with `train()` for a few hundred steps on {@link cycleSequence}s with 20% jumps, so
 * that its heads draft the greedy continuation often but not always: head i learns token t+1+i with the usual
 * loss `Σ_i CE(logits_i[t], x[t+1+i])` (positions whose target falls past the window are masked).
 */
export async function trainedCycleModel({
  config = {},
  seed,
  steps,
}: TrainedModelOptions): Promise<TransformerModel> {
  const model = createModel(
    {
      vocabSize: 8,
      contextLength: 8,
      dModel: 16,
      nLayers: 2,
      nHeads: 2,
      heads: { count: 4, type: 'linear' },
      ...config,
    },
    { seed },
  );
  const { vocabSize: V, contextLength: C } = model.config;
  const heads = Array.from({ length: model.config.heads.count }, (_, i) => i);
  const random = seededRandom(seed);
  await train({
    params: model.params,
    lossFn: (ids: number[][]) => {
      const { logits } = model.forward(ids, { heads });
      const losses = logits.map((l, i) => {
        const targets = ids.map((row) => row.map((_, t) => row[t + 1 + i] ?? 0));
        const mask = ids.map((row) => row.map((_, t) => (t + 1 + i < row.length ? 1 : 0)));
        return crossEntropy(l, targets, { mask });
      });
      return tf.addN(losses) as tf.Scalar;
    },
    batches: () =>
      Array.from({ length: 8 }, () => cycleSequence(Math.floor(random() * V), C, V, 0.2, random)),
    steps,
    learningRate: 2e-2,
    seed,
  });
  return model;
}
