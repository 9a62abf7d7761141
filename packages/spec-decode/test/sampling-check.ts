import type { SamplingOptions, TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Drafter } from '../src/options.js';
import { speculativeGenerate } from '../src/speculative-generate.js';
import { type ChiSquare, chiSquare, chiSquareCritical } from './chi-square.js';
import { continuationIndex, exactContinuations } from './exact-distribution.js';
import { samplingModel } from './models.js';

/** The significance level of every distribution test: a correct sampler fails it with probability 0.001. */
export const ALPHA = 0.001;

/** Options of {@link checkSampling}. */
export interface SamplingCheckOptions {
  model: TransformerModel;
  drafter: Drafter;
  sampling: SamplingOptions;
  prompt: number[];
  /** New tokens per sample; the outcome space has V^length cells. */
  length: number;
  /** Rows per call (each row one sample, row b seeded with `call · rows + b`). */
  rows: number;
  /** Calls; `rows · calls` samples in all. */
  calls: number;
}

/** What {@link checkSampling} found. */
export interface SamplingCheck extends ChiSquare {
  /** The chi-square quantile of probability 1 − {@link ALPHA} at these degrees of freedom. */
  critical: number;
  /** `acceptedLengths` summed over the calls. */
  acceptedLengths: number[];
  /** `tf.memory().numTensors` after the calls minus before. */
  tensorsLeft: number;
}

/**
 * Draws `rows · calls` continuations of `prompt` with `speculativeGenerate` and compares their frequencies with
 * the exact target distribution (every continuation enumerated with full forwards of head 0) by Pearson's
 * chi-square test.
 */
export function checkSampling({
  model,
  drafter,
  sampling,
  prompt,
  length,
  rows,
  calls,
}: SamplingCheckOptions): SamplingCheck {
  const V = model.config.vocabSize;
  const exact = exactContinuations(model, prompt, length, sampling);
  const counts = new Array<number>(exact.length).fill(0);
  const acceptedLengths: number[] = [];
  const before = tf.memory().numTensors;
  for (let call = 0; call < calls; call++) {
    const prompts = Array.from({ length: rows }, () => prompt);
    const { tokens, stats } = speculativeGenerate(model, prompts, {
      ...sampling,
      maxNewTokens: length,
      drafter,
      seed: call * rows,
    });
    for (const row of tokens)
      counts[continuationIndex(row, V)] = (counts[continuationIndex(row, V)] ?? 0) + 1;
    stats.acceptedLengths.forEach((n, j) => {
      acceptedLengths[j] = (acceptedLengths[j] ?? 0) + n;
    });
  }
  const tensorsLeft = tf.memory().numTensors - before;
  const test = chiSquare(counts, exact);
  return { ...test, critical: chiSquareCritical(test.degreesOfFreedom, ALPHA), acceptedLengths, tensorsLeft };
}

/**
 * The "every token verified" regime of the distribution tests, shared by `sampling.test.ts` (the exact rule
 * passes) and `wrong-rule.test.ts` (wrong rules fail): 3000 rows of one prompt in one batch, 3 new tokens over a
 * 3-token vocabulary (27 cells). Rows commit together, so nearly every token is the first draft of an iteration,
 * accepted or replaced by a residual draw.
 */
export const EVERY_TOKEN = { prompt: [1, 2], length: 3, rows: 3000, calls: 1 };

/**
 * Target and draft model of {@link EVERY_TOKEN}: random models whose drafts are far from the target (the draft
 * model, and heads 1–2 of the target, differ from head 0 by a total variation of 0.1–0.4 per token). Among seeds
 * 1–8 (target) and 5–10 (draft), these make the weaker wrong rule (no residual) fail by a wide margin.
 */
export function everyTokenModels(): { target: TransformerModel; draft: TransformerModel } {
  return {
    target: samplingModel({ vocabSize: 3, seed: 4, gain: 1 }),
    draft: samplingModel({ vocabSize: 3, seed: 6, gain: 1 }),
  };
}
