import { describeValue } from '@beyond-ntp/errors';
import { decodeStep } from './decode-step.js';
import { checkTokenIds, invalidInput, optionsObject } from './input-checks.js';
import { KVCache } from './kv-cache.js';
import { paddedWindow } from './left-padding.js';
import type { TransformerModel } from './model.js';
import { type EmbeddingsPrompt, type GeneratePrompt, PromptSource } from './prompt-source.js';
import {
  checkSamplingOptions,
  type SamplingOptions,
  sampleToken,
  samplingDistribution,
  seededRandom,
} from './sample.js';

/** Options of {@link generate}; sampling as in {@link samplingDistribution}. */
export interface GenerateOptions extends SamplingOptions {
  /** Maximum number of tokens to generate per row. */
  maxNewTokens: number;
  /**
   * A row stops after generating any of these token ids (the stop token is included in its result); the other
   * rows go on.
   * @default []
   */
  stopTokens?: number[];
  /**
   * Seed of the sampling; same seed, model and prompt → same tokens. Each row draws from its own stream (see
   * {@link seededRandom}): a number s seeds row b with s + b, so a batch's row b equals a single-prompt call with
   * seed s + b; an array gives one seed per row.
   * @default 0
   */
  seed?: number | number[];
  /**
   * What to do when prompt + generated tokens outgrow `contextLength`. `false`: refuse up front (the call throws
   * unless prompt width + maxNewTokens − 1 ≤ contextLength). `true`: condition each new token on the last
   * `contextLength` positions only, as nanoGPT crops its context, recomputing the KV cache from that window at every
   * step past the limit (positions restart at 0 at the window's first column).
   * @default false
   */
  slideWindow?: boolean;
}

/**
 * Continues one prompt (token ids) with head 0 of `model`, one KV-cached step per token. Returns the new tokens
 * only (not the prompt) as a plain array; no tensor outlives the call.
 *
 * @throws {ModelError} (`INPUT_INVALID`) when the prompt is empty or holds invalid ids, when options are out of
 * range, or (without `slideWindow`) when prompt + new tokens do not fit in `contextLength`.
 */
export function generate(model: TransformerModel, prompt: number[], options: GenerateOptions): number[];
/**
 * Continues a batch of prompts at once: rows of token ids of any lengths (left-padded, with the attention mask and
 * position ids that make each row's tokens those it would get alone), or input embeddings `[B, P, dModel]` with an
 * optional left-padding mask. Returns the new tokens of each row; rows that hit a stop token end early.
 *
 * @throws {ModelError} (`INPUT_INVALID`) as for one prompt; the context check applies to the longest row.
 */
export function generate(
  model: TransformerModel,
  prompt: number[][] | EmbeddingsPrompt,
  options: GenerateOptions,
): number[][];
export function generate(
  model: TransformerModel,
  prompt: GeneratePrompt,
  options: GenerateOptions,
): number[] | number[][] {
  const source = new PromptSource(model, prompt);
  checkOptions(model, source, options);
  const rows = decode(model, source, options);
  const single = Array.isArray(prompt) && !Array.isArray(prompt[0]);
  return single ? (rows[0] as number[]) : rows;
}

// The decoding loop: one sample per active row per step, then one fed column (or, past a full sliding window,
// the whole window again on an emptied cache).
function decode(model: TransformerModel, source: PromptSource, options: GenerateOptions): number[][] {
  const { maxNewTokens, stopTokens = [], slideWindow = false, temperature, topK, topP } = options;
  const { pads } = source;
  const results = pads.map((): number[] => []);
  if (maxNewTokens === 0) return results;
  const streams = rowSeeds(options.seed, pads.length).map(seededRandom);
  const stop = new Set(stopTokens);
  const active = pads.map(() => true);
  const fed = pads.map((): number[] => []); // generated tokens fed back, one column per step for every row
  const C = model.config.contextLength;
  const cache = new KVCache();
  try {
    let start = slideWindow ? Math.max(0, source.width - C) : 0; // first visible column
    let cached = start; // columns [start, cached) are in the cache
    for (let step = 1; ; step++) {
      const width = source.width + step - 1;
      if (width - start > C) [start, cached] = [width - C, width - C];
      if (cached === start) cache.truncate(0);
      const { input, dispose } = source.columns(cached, width, fed);
      // Padding visible in the window needs the mask and per-row positions; otherwise the defaults are the same.
      const padded = pads.some((pad) => pad > start);
      const window = padded ? paddedWindow(pads, { start, from: cached, to: width }) : {};
      let logits: Float32Array[];
      try {
        [logits = []] = decodeStep(model, input, { kvCache: cache, ...window }).map((rows) =>
          rows.map(([l]) => l as Float32Array),
        );
      } finally {
        dispose();
      }
      cached = width;
      for (const [b, row] of results.entries()) {
        if (!active[b]) continue;
        const distribution = samplingDistribution(logits[b] as Float32Array, { temperature, topK, topP });
        const token = sampleToken(distribution, (streams[b] as () => number)());
        row.push(token);
        if (stop.has(token)) active[b] = false;
      }
      if (step === maxNewTokens || !active.includes(true)) return results;
      for (const [b, row] of fed.entries()) row.push(results[b]?.at(-1) as number); // a stopped row repeats its stop token
    }
  } finally {
    cache.dispose();
  }
}

function rowSeeds(seed: number | number[] = 0, rows: number): number[] {
  return Array.isArray(seed) ? seed : Array.from({ length: rows }, (_, b) => seed + b);
}

function checkOptions(model: TransformerModel, source: PromptSource, options: GenerateOptions): void {
  const { maxNewTokens, seed = 0, slideWindow = false } = optionsObject(options, 'generate');
  const { contextLength } = model.config;
  if (typeof slideWindow !== 'boolean') {
    invalidInput(`generate: slideWindow must be true or false (got ${describeValue(slideWindow)})`);
  }
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    invalidInput(
      `generate: maxNewTokens must be a non-negative integer (got ${describeValue(maxNewTokens)})`,
    );
  }
  // The last new token is returned without being fed back, so it needs no position of its own.
  if (!slideWindow && source.width + maxNewTokens - 1 > contextLength) {
    const prompt = source.pads.length === 1 ? 'prompt' : 'longest prompt';
    invalidInput(
      `generate: ${prompt} (${source.width}) + maxNewTokens (${maxNewTokens}) - 1 exceeds contextLength ${contextLength}; shorten it or pass slideWindow: true`,
    );
  }
  checkSamplingOptions(options, 'generate');
  const stopTokens = options.stopTokens ?? [];
  if (!Array.isArray(stopTokens)) {
    invalidInput(`generate: stopTokens must be an array of token ids (got ${describeValue(stopTokens)})`);
  }
  checkTokenIds(stopTokens, model.config.vocabSize, 'generate: ');
  const rows = source.pads.length;
  const valid = Array.isArray(seed)
    ? seed.length === rows && seed.every((s) => Number.isSafeInteger(s))
    : Number.isSafeInteger(seed);
  if (!valid) {
    invalidInput(
      `generate: seed must be an integer or one integer per prompt row (${rows}) (got ${describeValue(seed)})`,
    );
  }
}
