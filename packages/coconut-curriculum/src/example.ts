import { CoconutError } from './errors.js';

/**
 * One reasoning example as token ids, in the layout of the Coconut code: the question (the reference code
 * encodes `question + "\n"`), the reasoning steps (`step + "\n"` each) and the answer (`"### " + answer` and the
 * end-of-sequence token). How text becomes ids is the caller's choice; this package only moves whole steps.
 */
export interface ReasoningExample {
  /** Question tokens; never supervised. Non-empty. */
  question: number[];
  /** One token list per reasoning step, in order; a curriculum stage replaces a prefix of them. */
  steps: number[][];
  /** Answer tokens, end-of-sequence included if the model should learn to stop; always supervised. Non-empty. */
  answer: number[];
}

/**
 * The special token ids Coconut adds to a vocabulary. The reference code names them `<|start-latent|>`,
 * `<|end-latent|>` and `<|latent|>`.
 */
export interface CoconutTokens {
  /** `<bot>`: opens the latent span. Given in the input, never predicted. */
  bot: number;
  /** `<eot>`: closes the latent span. Given in the input, never predicted. */
  eot: number;
  /**
   * The placeholder of one continuous thought: its token embedding is replaced, at run time, by the last hidden
   * state of the position before it, so the embedding itself is never used.
   */
  latent: number;
  /** `<pause>`: the ordinary token that fills the slots of the pause-as-thought baseline. */
  pause?: number;
  /**
   * Token id written at padding positions (masked out of attention and loss, so any id of the vocabulary works;
   * the reference code pads with end-of-sequence).
   * @default 0
   */
  pad?: number;
}

/** @internal Checks that `ids` is a list of non-negative integers (non-empty when `nonEmpty`). */
export function checkIds(field: string, ids: unknown, nonEmpty: boolean): number[] {
  if (!Array.isArray(ids) || (nonEmpty && ids.length === 0)) {
    throw new CoconutError(
      'INVALID_EXAMPLE',
      field,
      `must be ${nonEmpty ? 'a non-empty' : 'an'} array of token ids (got ${describe(ids)})`,
    );
  }
  const bad = ids.findIndex((id) => typeof id !== 'number' || !Number.isInteger(id) || id < 0);
  if (bad >= 0) {
    throw new CoconutError(
      'INVALID_EXAMPLE',
      `${field}[${bad}]`,
      `must be a non-negative integer token id (got ${String(ids[bad])})`,
    );
  }
  return ids;
}

/**
 * @internal Throws unless `ids` (language: a question, step, answer or probe text) is free of the latent
 * placeholder, which the continuous-thought forward would take for a thought.
 */
export function checkNoLatent(field: string, ids: number[], latent: number): number[] {
  if (ids.includes(latent)) {
    throw new CoconutError(
      'INVALID_EXAMPLE',
      field,
      `holds the latent placeholder id ${latent}, which would be read as a thought`,
    );
  }
  return ids;
}

/**
 * @internal Checks one example's fields, all free of the `latent` placeholder; `field` names it in messages (e.g.
 * `examples[3]`).
 */
export function checkExample(example: ReasoningExample, field: string, latent: number): ReasoningExample {
  if (typeof example !== 'object' || example === null) {
    throw new CoconutError(
      'INVALID_EXAMPLE',
      field,
      'must be an object { question, steps, answer } of token ids',
    );
  }
  checkNoLatent(`${field}.question`, checkIds(`${field}.question`, example.question, true), latent);
  checkNoLatent(`${field}.answer`, checkIds(`${field}.answer`, example.answer, true), latent);
  if (!Array.isArray(example.steps)) {
    throw new CoconutError(
      'INVALID_EXAMPLE',
      `${field}.steps`,
      `must be an array of token-id arrays (got ${describe(example.steps)})`,
    );
  }
  for (const [i, step] of example.steps.entries()) {
    checkNoLatent(`${field}.steps[${i}]`, checkIds(`${field}.steps[${i}]`, step, false), latent);
  }
  return example;
}

/** @internal Checks the special tokens a layout needs: markers always, `pause` only for pause slots. */
export function checkTokens(tokens: CoconutTokens, needsPause: boolean): CoconutTokens {
  if (typeof tokens !== 'object' || tokens === null) {
    throw new CoconutError(
      'INVALID_OPTION',
      'tokens',
      'must be an object { bot, eot, latent, pause?, pad? }',
    );
  }
  const names: Array<keyof CoconutTokens> = ['bot', 'eot', 'latent'];
  if (needsPause) names.push('pause');
  if (tokens.pad !== undefined) names.push('pad');
  for (const name of names) {
    const id = tokens[name];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new CoconutError(
        'INVALID_OPTION',
        `tokens.${name}`,
        `must be a non-negative integer token id (got ${String(id)})`,
      );
    }
  }
  return tokens;
}

function describe(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
