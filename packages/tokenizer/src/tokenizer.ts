import { describeValue } from '@beyond-ntp/errors';
import { invalidOption, TokenizerError } from './errors.js';
import type { AnyModel } from './models/model.js';
import { boolean, integerAtLeast, oneOf, optionsObject, stringList } from './options.js';
import { type AddedToken, AddedTokens } from './special-tokens.js';

/** Options for {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /**
   * What to do with special-token text (say `<eos>`) found in the input:
   * `'allow'` makes it the special token, `'as-text'` encodes it as ordinary characters (for untrusted user
   * text), `'reject'` throws a `TokenizerError` with code `SPECIAL_TOKEN_IN_TEXT`.
   * @default 'allow'
   */
  specialTokens?: 'allow' | 'as-text' | 'reject';
}

/** Options for {@link Tokenizer.encodeBatch}. */
export interface EncodeBatchOptions extends EncodeOptions {
  /**
   * `'none'` leaves rows ragged, `'longest'` pads to the longest row, `'max-length'` pads every row to
   * `maxLength`.
   * @default 'none'
   */
  padding?: 'none' | 'longest' | 'max-length';
  /** Row length for `padding: 'max-length'` and `truncation`, at most 2^24. */
  maxLength?: number;
  /** Cut rows longer than `maxLength` (keeping the start). @default false */
  truncation?: boolean;
  /** The token padded with; must be in the vocabulary. @default '<pad>' */
  padToken?: string;
  /** Pad after the ids (`'right'`) or before them (`'left'`, to line up prompts for generation). @default 'right' */
  paddingSide?: 'right' | 'left';
}

/** The result of {@link Tokenizer.encodeBatch}. */
export interface BatchEncoding {
  /** One row of ids per input text. */
  ids: number[][];
  /** Same shape as `ids`: 1 for a real token, 0 for padding. */
  attentionMask: number[][];
}

/** Options for {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Drop special tokens (pad, bos, eos, …) from the text. @default false */
  skipSpecialTokens?: boolean;
}

/** Options for {@link Tokenizer.encodesToExactly}. */
export interface EncodesToExactlyOptions {
  /** Encode `' ' + text`, as the text reads in the middle of a sentence. @default false */
  leadingSpace?: boolean;
}

const SPECIAL_MODES = ['allow', 'as-text', 'reject'] as const;
// Far beyond any context length; keeps `padding: 'max-length'` from asking for arrays the engine cannot make.
const MAX_ROW_LENGTH = 2 ** 24;

/**
 * A tokenizer: special tokens are cut out of the text first (so they are never split), the rest goes through
 * the model (byte-level BPE or char-level). Immutable; create one with `trainBpe`, `createCharTokenizer`,
 * `fromHfJson` or `fromGpt2Files`.
 */
export class Tokenizer {
  /** The model between the special tokens. */
  readonly model: AnyModel;
  /** The special (added) tokens. */
  readonly added: AddedTokens;
  /** Vocabulary size: one more than the largest id, special tokens included. */
  readonly vocabSize: number;
  private readonly idToModelToken: string[] = [];

  /** Prefer the factory functions; this checks that special tokens and model ids agree. */
  constructor(model: AnyModel, addedTokens: readonly AddedToken[]) {
    this.model = model;
    this.added = new AddedTokens(addedTokens);
    let maxId = -1;
    for (const [token, id] of model.vocab) {
      this.idToModelToken[id] = token;
      maxId = Math.max(maxId, id);
    }
    for (const { id, content } of addedTokens) {
      const clash = this.idToModelToken[id];
      // Trained vocabularies list special tokens in the model too (same id, same text); other clashes are bugs.
      if (clash !== undefined && clash !== content) {
        throw invalidOption(
          'specialTokens',
          `id ${id} is "${clash}" in the vocabulary but "${content}" as a special token.`,
        );
      }
      maxId = Math.max(maxId, id);
    }
    this.vocabSize = maxId + 1;
  }

  /** The special tokens' texts, in id order. */
  get specialTokens(): string[] {
    return this.added.list().map((t) => t.content);
  }

  /** The id of a token (special token text, or a model token in its vocabulary spelling), if any. */
  tokenToId(token: string): number | undefined {
    return this.added.byContent.get(token)?.id ?? this.model.vocab.get(token);
  }

  /** The token of an id (for byte-level BPE in GPT-2's byte spelling, e.g. "Ġworld"), if any. */
  idToToken(id: number): string | undefined {
    return this.added.byId.get(id)?.content ?? this.idToModelToken[id];
  }

  /** Text → ids. */
  encode(text: string, options?: EncodeOptions): number[] {
    if (typeof text !== 'string')
      throw invalidOption('text', `got ${describeValue(text)}, expected a string.`);
    const mode = oneOf('specialTokens', optionsObject(options).specialTokens, SPECIAL_MODES, 'allow');
    const ids: number[] = [];
    if (mode === 'allow') {
      this.added.split(
        text,
        (part) => this.model.encode(part, ids),
        (token) => ids.push(token.id),
      );
      return ids;
    }
    if (mode === 'reject') {
      const found = this.added.find(text);
      if (found) {
        throw new TokenizerError(
          'SPECIAL_TOKEN_IN_TEXT',
          `The text contains the special token "${found.token.content}" at index ${found.index}. Pass ` +
            `\`specialTokens: 'as-text'\` to encode it as plain text or 'allow' to accept it.`,
        );
      }
    }
    this.model.encode(text, ids);
    return ids;
  }

  /** Encodes each text (row i equals `encode(texts[i])` up to padding/truncation) with an attention mask. */
  encodeBatch(texts: readonly string[], batchOptions?: EncodeBatchOptions): BatchEncoding {
    const list = stringList('texts', texts);
    const options = optionsObject(batchOptions);
    const padding = oneOf('padding', options.padding, ['none', 'longest', 'max-length'] as const, 'none');
    const side = oneOf('paddingSide', options.paddingSide, ['right', 'left'] as const, 'right');
    const truncation = boolean('truncation', options.truncation, false);
    const needsLength = truncation || padding === 'max-length';
    const maxLength = needsLength ? integerAtLeast('maxLength', options.maxLength, 1) : undefined;
    if (maxLength !== undefined && maxLength > MAX_ROW_LENGTH) {
      throw invalidOption('maxLength', `got ${maxLength}, the largest row length is ${MAX_ROW_LENGTH}.`);
    }
    if (!needsLength && options.maxLength !== undefined) {
      throw invalidOption(
        'maxLength',
        "only used with `padding: 'max-length'` or `truncation: true`; set one.",
      );
    }
    let padId = 0;
    if (padding !== 'none') {
      const padToken: unknown = options.padToken ?? '<pad>';
      const id = typeof padToken === 'string' ? this.tokenToId(padToken) : undefined;
      if (id === undefined) {
        throw invalidOption(
          'padToken',
          `${describeValue(padToken)} is not in the vocabulary; add it as a special token or name another.`,
        );
      }
      padId = id;
    }
    const specialTokens = oneOf('specialTokens', options.specialTokens, SPECIAL_MODES, 'allow');
    const rows = list.map((text) => {
      const ids = this.encode(text, { specialTokens });
      return truncation && ids.length > (maxLength as number) ? ids.slice(0, maxLength) : ids;
    });
    const width =
      padding === 'max-length' ? (maxLength as number) : rows.reduce((w, row) => Math.max(w, row.length), 0);
    const ids: number[][] = [];
    const attentionMask: number[][] = [];
    for (const row of rows) {
      // Rows longer than `width` (max-length padding without truncation) are kept whole, as in HF.
      const pad = padding === 'none' ? 0 : Math.max(0, width - row.length);
      const padIds = new Array<number>(pad).fill(padId);
      const zeros = new Array<number>(pad).fill(0);
      const ones = new Array<number>(row.length).fill(1);
      ids.push(side === 'right' ? [...row, ...padIds] : [...padIds, ...row]);
      attentionMask.push(side === 'right' ? [...ones, ...zeros] : [...zeros, ...ones]);
    }
    return { ids, attentionMask };
  }

  /** Ids → text. Every id must be in the vocabulary. */
  decode(ids: readonly number[], options?: DecodeOptions): string {
    const skip = boolean('skipSpecialTokens', optionsObject(options).skipSpecialTokens, false);
    if (!Array.isArray(ids))
      throw invalidOption('ids', `got ${describeValue(ids)}, expected an array of ids.`);
    let text = '';
    let run: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id: unknown = ids[i];
      const added = typeof id === 'number' ? this.added.byId.get(id) : undefined;
      if (added === undefined) {
        if (!Number.isInteger(id) || this.idToModelToken[id as number] === undefined) {
          throw new TokenizerError(
            'INVALID_ID',
            `ids[${i}] = ${describeValue(id)} is not a token id (the vocabulary has ${this.vocabSize} ids).`,
          );
        }
        run.push(id as number);
        continue;
      }
      if (run.length > 0) text += this.model.decode(run);
      run = [];
      if (!(skip && added.special)) text += added.content;
    }
    return run.length > 0 ? text + this.model.decode(run) : text;
  }

  /**
   * True when `text` (with a leading space if asked) encodes to exactly `k` tokens, special-token text counted
   * as plain text. Task generators use it to pick words that are one token, or a fixed number of tokens.
   */
  encodesToExactly(text: string, k: number, options?: EncodesToExactlyOptions): boolean {
    integerAtLeast('k', k, 0);
    const prefix = boolean('leadingSpace', optionsObject(options).leadingSpace, false) ? ' ' : '';
    return this.encode(prefix + text, { specialTokens: 'as-text' }).length === k;
  }

  /**
   * A new tokenizer with these special tokens appended (new ids from `vocabSize` on); tokens it already has
   * keep their ids. Use it to add `<bot>`, `<eot>`, `<latent>` to a pretrained vocabulary.
   */
  withSpecialTokens(tokens: readonly string[]): Tokenizer {
    const added = this.added.list();
    let next = this.vocabSize;
    for (const [i, content] of stringList('tokens', tokens).entries()) {
      if (content.length === 0) throw invalidOption(`tokens[${i}]`, 'got "", expected a non-empty string.');
      if (added.some((t) => t.content === content)) continue;
      // A model token with the same text becomes special under its own id, so the text keeps one meaning.
      added.push({ id: this.model.vocab.get(content) ?? next++, content, special: true });
    }
    return new Tokenizer(this.model, added);
  }
}
