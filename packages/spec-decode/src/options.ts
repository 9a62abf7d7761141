import type { SamplingOptions, TransformerModel } from '@beyond-ntp/transformer-core';
import { SpecDecodeError } from './errors.js';

/**
 * Self-speculation (Stern et al. 2018; Gloeckle et al. 2024 §3.2): the target's own extra heads draft. Every
 * forward runs heads `0 … k−1`; head 0 verifies, heads `1 … k−1` draft the k−1 tokens after the next one. A row
 * gains at most k tokens per forward.
 */
export interface HeadsDrafter {
  /** k, the number of heads used, in `[1, heads.count]`; 1 is plain decoding (no drafts). */
  heads: number;
}

/**
 * A separate, smaller model with the same vocabulary drafts `tokens` tokens one at a time (its own KV cache,
 * rolled back with the target's), and the target verifies them in one forward. A row gains at most
 * `tokens + 1` tokens per target forward.
 */
export interface ModelDrafter {
  /** The draft model; its head 0 drafts. Same `vocabSize` as the target. */
  model: TransformerModel;
  /** γ, the drafts per target forward: an integer ≥ 1. */
  tokens: number;
}

/** Where drafts come from: the target's extra heads, or a separate draft model. */
export type Drafter = HeadsDrafter | ModelDrafter;

/** Options of `speculativeGenerate` and `speculativeStream`; sampling as in `samplingDistribution`. */
export interface SpeculativeOptions extends SamplingOptions {
  /** Maximum number of tokens to generate per row. */
  maxNewTokens: number;
  /**
   * Where drafts come from.
   * @default { heads: model.config.heads.count } (every head of the target)
   */
  drafter?: Drafter;
  /**
   * A row stops after generating any of these token ids (the stop token is included in its result); the other
   * rows go on.
   * @default []
   */
  stopTokens?: number[];
  /**
   * Seed of the sampling: a number s seeds row b's stream with s + b, as `generate` does; an array gives one seed
   * per row. Each row draws its drafts, accept/reject decisions and residual tokens from its own stream.
   * @default 0
   */
  seed?: number | number[];
}

/** @internal Options checked against the model and prompt, in the form the decoder uses. */
export interface CheckedOptions {
  prompts: number[][];
  /** True when the prompt was one row of ids (the result is then one row too). */
  single: boolean;
  maxNewTokens: number;
  stopTokens: Set<number>;
  seeds: number[];
  sampling: SamplingOptions;
  drafter: { heads: number } | { model: TransformerModel; tokens: number };
}

/**
 * @internal Checks the prompt and options of a speculative call against `model`.
 *
 * @throws {SpecDecodeError} naming the first field at fault and how to fix it.
 */
export function checkOptions(
  model: TransformerModel,
  prompt: number[] | number[][],
  options: SpeculativeOptions,
): CheckedOptions {
  const { vocabSize, contextLength } = model.config;
  const single = Array.isArray(prompt) && prompt.length > 0 && !Array.isArray(prompt[0]);
  const prompts = (single ? [prompt] : prompt) as number[][];
  if (!Array.isArray(prompts) || prompts.length === 0) {
    throw new SpecDecodeError(
      'INVALID_PROMPT',
      'prompt',
      'must be one row of token ids or a non-empty list of rows',
    );
  }
  for (const [b, row] of prompts.entries()) {
    const field = single ? 'prompt' : `prompt[${b}]`;
    if (!Array.isArray(row) || row.length === 0) {
      throw new SpecDecodeError('INVALID_PROMPT', field, 'must hold at least one token id');
    }
    checkIds(row, vocabSize, field, 'INVALID_PROMPT');
  }
  const { maxNewTokens, stopTokens = [], seed = 0, temperature = 1, topK, topP = 1 } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    invalid('maxNewTokens', `must be a non-negative integer (got ${maxNewTokens})`);
  }
  // The last new token is returned without being fed back, so it needs no position of its own (as in generate).
  const width = Math.max(...prompts.map((row) => row.length));
  checkFits(width, maxNewTokens, contextLength, 'prompt', 'INVALID_PROMPT');
  if (!(temperature >= 0 && Number.isFinite(temperature))) {
    invalid('temperature', `must be a finite number ≥ 0 (got ${temperature})`);
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) {
    invalid('topK', `must be an integer ≥ 1 (got ${topK})`);
  }
  if (!(topP > 0 && topP <= 1)) invalid('topP', `must be in (0, 1] (got ${topP})`);
  if (!Array.isArray(stopTokens)) invalid('stopTokens', 'must be an array of token ids');
  checkIds(stopTokens, vocabSize, 'stopTokens', 'INVALID_OPTION');
  const seeds = Array.isArray(seed) ? seed : prompts.map((_, b) => seed + b);
  if (seeds.length !== prompts.length || !seeds.every(Number.isInteger)) {
    invalid(
      'seed',
      `must be an integer or one integer per prompt row (${prompts.length}) (got ${JSON.stringify(seed)})`,
    );
  }
  return {
    prompts,
    single,
    maxNewTokens,
    stopTokens: new Set(stopTokens),
    seeds,
    sampling: { temperature, topK, topP },
    drafter: checkDrafter(model, options.drafter, width, maxNewTokens),
  };
}

function checkDrafter(
  model: TransformerModel,
  drafter: Drafter | undefined,
  width: number,
  maxNewTokens: number,
): CheckedOptions['drafter'] {
  const count = model.config.heads.count;
  if (drafter === undefined) return { heads: count };
  if (typeof drafter !== 'object' || drafter === null) {
    return invalid('drafter', 'must be { heads: k } or { model, tokens }');
  }
  if ('heads' in drafter) {
    if (!(Number.isInteger(drafter.heads) && drafter.heads >= 1 && drafter.heads <= count)) {
      invalid(
        'drafter.heads',
        `must be an integer in [1, ${count}] (the model's heads.count) (got ${drafter.heads})`,
      );
    }
    return { heads: drafter.heads };
  }
  const { model: draft, tokens } = drafter as Partial<ModelDrafter>;
  if (typeof draft?.config?.vocabSize !== 'number' || typeof draft.forward !== 'function') {
    invalid(
      'drafter.model',
      "must be a TransformerModel (or pass { heads: k } to draft with the target's heads)",
    );
  }
  const draftConfig = (draft as TransformerModel).config;
  if (draftConfig.vocabSize !== model.config.vocabSize) {
    throw new SpecDecodeError(
      'DRAFT_MODEL_MISMATCH',
      'drafter.model',
      `has vocabSize ${draftConfig.vocabSize} but the target has ${model.config.vocabSize}; a draft model must share the target's vocabulary (tokenizer)`,
    );
  }
  checkFits(width, maxNewTokens, draftConfig.contextLength, 'drafter.model', 'DRAFT_MODEL_MISMATCH');
  if (!(Number.isInteger(tokens) && (tokens as number) >= 1)) {
    invalid('drafter.tokens', `must be an integer ≥ 1 (got ${tokens})`);
  }
  return { model: draft as TransformerModel, tokens: tokens as number };
}

function checkIds(
  ids: unknown[],
  vocabSize: number,
  field: string,
  code: 'INVALID_PROMPT' | 'INVALID_OPTION',
) {
  const bad = ids.findIndex(
    (id) => !Number.isInteger(id) || (id as number) < 0 || (id as number) >= vocabSize,
  );
  if (bad >= 0) {
    throw new SpecDecodeError(
      code,
      `${field}[${bad}]`,
      `${JSON.stringify(ids[bad])} is not a token id, an integer in [0, ${vocabSize}) (vocabSize)`,
    );
  }
}

function checkFits(
  width: number,
  maxNewTokens: number,
  contextLength: number,
  field: string,
  code: 'INVALID_PROMPT' | 'DRAFT_MODEL_MISMATCH',
): void {
  if (width + maxNewTokens - 1 <= contextLength) return;
  const owner = field === 'prompt' ? 'the model' : 'the draft model';
  throw new SpecDecodeError(
    code,
    field,
    `the longest prompt row (${width}) + maxNewTokens (${maxNewTokens}) − 1 exceeds the contextLength of ${owner} (${contextLength}); shorten the prompt or lower maxNewTokens`,
  );
}

function invalid(field: string, message: string): never {
  throw new SpecDecodeError('INVALID_OPTION', field, message);
}
