import { multiTokenMetrics } from '@beyond-ntp/losses-multitoken';
import { evaluateInduction, type InductionRecord } from '@beyond-ntp/synth-tasks';
import type { TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { padRows } from './stories.js';
import { PAD_ID, type StoryTokenizer } from './story-tokenizer.js';

/** Options of {@link inductionMetrics}. */
export interface InductionMetricsOptions {
  /** The model; only head 0 (the next token) is scored for induction. */
  model: TransformerModel;
  /** The tokenizer the stories were generated with. */
  tokenizer: StoryTokenizer;
  /** Held-out stories. */
  stories: readonly InductionRecord[];
  /** Stories per forward pass. @default 50 */
  chunk?: number;
}

/**
 * Held-out metrics of a model on whole stories, teacher-forced:
 * - `induction`: accuracy of head 0 on the second token of every repeat name mention (the paper's metric);
 * - `nextToken` and `heldOutLoss`: head 0's accuracy and mean cross-entropy over every token;
 * - `head<i>Accuracy` for every further head i (its accuracy on token t + 1 + i).
 * Returns plain numbers; no tensor outlives the call.
 */
export async function inductionMetrics(options: InductionMetricsOptions): Promise<Record<string, number>> {
  const { model, tokenizer, stories, chunk = 50 } = options;
  const encoded = stories.map((s) => tokenizer.encode(s.text));
  const predictions: number[][] = [];
  const batches = [];
  for (let start = 0; start < encoded.length; start += chunk) {
    const batch = padRows(encoded.slice(start, start + chunk));
    batches.push(batch);
    const argmax = tf.tidy(() => tf.argMax(model.forward(batch.ids).logits[0] as tf.Tensor3D, 2));
    const ids = (await argmax.array()) as number[][];
    argmax.dispose();
    ids.forEach((row, i) => {
      predictions.push(nextTokenPredictions(row, encoded[start + i]?.length ?? 0));
    });
  }
  const induction = evaluateInduction({ records: stories, tokenizer, predictions }).accuracy;
  const { heads } = await multiTokenMetrics({ model, padId: PAD_ID, batches });
  const metrics: Record<string, number> = {
    induction,
    nextToken: heads[0]?.accuracy ?? Number.NaN,
    heldOutLoss: heads[0]?.loss ?? Number.NaN,
  };
  for (const head of heads.slice(1)) metrics[`head${head.head}Accuracy`] = head.accuracy;
  return metrics;
}

/**
 * What `evaluateInduction` takes for one story of `length` tokens: entry t is the guess for token t, which the
 * model makes at position t − 1 (`argmax[t - 1]`); entry 0 is never scored.
 */
export function nextTokenPredictions(argmax: readonly number[], length: number): number[] {
  return Array.from({ length }, (_, t) => (t === 0 ? -1 : (argmax[t - 1] as number)));
}
