import { TokenizerError } from '../errors.js';
import type { TokenModel } from './model.js';

/**
 * One token per Unicode code point (what `for (const ch of text)` yields; a lone surrogate is its own
 * character). Characters outside the vocabulary become `<unk>` when `unkId` is given, else an error.
 */
export class CharModel implements TokenModel {
  readonly type = 'char';
  readonly vocab: ReadonlyMap<string, number>;
  private readonly idToToken: string[] = [];

  /** The id unknown characters encode to; `undefined` makes them an error. */
  readonly unkId: number | undefined;

  constructor(vocab: ReadonlyMap<string, number>, unkId: number | undefined) {
    this.vocab = vocab;
    this.unkId = unkId;
    for (const [token, id] of vocab) this.idToToken[id] = token;
  }

  encode(text: string, out: number[]): void {
    let offset = 0;
    for (const char of text) {
      const id = this.vocab.get(char) ?? this.unkId;
      if (id === undefined) {
        const code = (char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
        throw new TokenizerError(
          'UNKNOWN_CHARACTER',
          `Character "${char}" (U+${code}) at index ${offset} is not in the char-level vocabulary. Build the ` +
            `tokenizer from text that contains it, or create it with \`unknown: 'unk'\` to map it to <unk>.`,
        );
      }
      out.push(id);
      offset += char.length;
    }
  }

  decode(ids: readonly number[]): string {
    let text = '';
    for (const id of ids) text += this.idToToken[id] ?? '';
    return text;
  }
}
