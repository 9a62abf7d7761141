import type { ByteLevelBpe } from './bpe.js';
import type { CharModel } from './char.js';

/**
 * The middle of the pipeline: turns text that holds no special tokens into ids, and ids back into text.
 * Special (added) tokens are handled around it by the tokenizer.
 */
export interface TokenModel {
  /** `byte-bpe`: GPT-2 byte-level BPE; `char`: one token per Unicode code point. */
  readonly type: 'byte-bpe' | 'char';
  /** Token string → id for every token of the model (for byte-level BPE, in GPT-2's byte spelling). */
  readonly vocab: ReadonlyMap<string, number>;
  /** Appends the ids of `text` to `out`. */
  encode(text: string, out: number[]): void;
  /** Decodes a run of ids that are all in `vocab`. */
  decode(ids: readonly number[]): string;
}

/** The models a tokenizer can hold; switch on `type`. */
export type AnyModel = ByteLevelBpe | CharModel;
