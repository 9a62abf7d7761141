import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';
import { KVCache } from './kv-cache.js';
import type { TransformerModel } from './model.js';
import { mulberry32 } from './random.js';
import { pickToken } from './sample.js';

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Maximum number of tokens to generate. */
  maxNewTokens: number;
  /**
   * Softmax temperature; 0 picks the most likely token (greedy decoding).
   * @default 1
   */
  temperature?: number;
  /**
   * Sample only among the k most likely tokens.
   * @default undefined (all tokens)
   */
  topK?: number;
  /**
   * Sample only from the smallest set of most likely tokens whose probability reaches p (nucleus sampling).
   * @default 1
   */
  topP?: number;
  /**
   * Stop after generating any of these token ids (the stop token is included in the result).
   * @default []
   */
  stopTokens?: number[];
  /**
   * Seed of the sampling; same seed, model and prompt → same tokens.
   * @default 0
   */
  seed?: number;
}

/**
 * Continues `prompt` (token ids) with head 0 of `model`, one token per KV-cached forward. Returns the new
 * tokens only (not the prompt) as a plain array; no tensor outlives the call.
 *
 * @throws {ModelError} when the prompt is empty or holds invalid ids, when options are out of range, or when
 * prompt + new tokens do not fit in `contextLength`.
 */
export function generate(model: TransformerModel, prompt: number[], options: GenerateOptions): number[] {
  const { maxNewTokens, temperature = 1, topK, topP = 1, stopTokens = [], seed = 0 } = options;
  checkOptions(model, prompt, options);
  if (maxNewTokens === 0) return [];
  const stop = new Set(stopTokens);
  const random = mulberry32(seed);
  const cache = new KVCache();
  // Logits of the last position only, read back to a plain array (outside tidy, which would walk the array).
  const step = (ids: number[]): Float32Array => {
    const last = tf.tidy(() => {
      const [logits] = model.forward([ids], { kvCache: cache }).logits as [tf.Tensor3D];
      return tf.slice(logits, [0, logits.shape[1] - 1, 0], [1, 1, -1]);
    });
    const values = last.dataSync() as Float32Array;
    last.dispose();
    return values;
  };
  try {
    const tokens: number[] = [];
    let logits = step(prompt);
    for (;;) {
      const next = pickToken(logits, { temperature, topK, topP }, random);
      tokens.push(next);
      if (stop.has(next) || tokens.length === maxNewTokens) return tokens;
      logits = step([next]);
    }
  } finally {
    cache.dispose();
  }
}

function checkOptions(model: TransformerModel, prompt: number[], options: GenerateOptions): void {
  const { vocabSize, contextLength } = model.config;
  const fail = (message: string): never => {
    throw new ModelError('INPUT_INVALID', `generate: ${message}`);
  };
  const { maxNewTokens, temperature = 1, topK, topP = 1 } = options;
  if (prompt.length === 0) fail('prompt must hold at least one token id');
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    fail(`maxNewTokens must be a non-negative integer (got ${maxNewTokens})`);
  }
  // The last new token is returned without being fed back, so it needs no position of its own.
  if (prompt.length + maxNewTokens - 1 > contextLength) {
    fail(
      `prompt (${prompt.length}) + maxNewTokens (${maxNewTokens}) - 1 exceeds contextLength ${contextLength}`,
    );
  }
  if (!(temperature >= 0) || !Number.isFinite(temperature))
    fail(`temperature must be ≥ 0 (got ${temperature})`);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1))
    fail(`topK must be an integer ≥ 1 (got ${topK})`);
  if (!(topP > 0 && topP <= 1)) fail(`topP must be in (0, 1] (got ${topP})`);
  for (const id of [...prompt, ...(options.stopTokens ?? [])]) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      fail(`token id ${id} is not an integer in [0, ${vocabSize})`);
  }
}
