import { invalidOption } from '../errors.js';
import { CharModel } from '../models/char.js';
import { oneOf, tokenList } from '../options.js';
import { DEFAULT_SPECIAL_TOKENS } from '../special-tokens.js';
import { Tokenizer } from '../tokenizer.js';

/** Options for {@link createCharTokenizer}. */
export interface CharTokenizerOptions {
  /**
   * Where the characters come from: every distinct code point of this text becomes a token. Pass an alphabet
   * ("0123456789+=") or a whole corpus (a string or an iterable of strings).
   */
  text: string | Iterable<string>;
  /** Special tokens, given ids 0, 1, … in this order; characters follow in code point order. @default ['<pad>', '<bos>', '<eos>', '<unk>'] */
  specialTokens?: readonly string[];
  /**
   * Characters not in the vocabulary: `'unk'` encodes them as `<unk>` (which must be among `specialTokens`),
   * `'error'` throws a `TokenizerError` with code `UNKNOWN_CHARACTER`.
   * @default 'unk'
   */
  unknown?: 'unk' | 'error';
}

/** A char-level tokenizer, like nanoGPT's `sorted(set(text))` vocabulary plus special tokens. */
export function createCharTokenizer(options: CharTokenizerOptions): Tokenizer {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object.');
  const specials = tokenList('specialTokens', options.specialTokens, DEFAULT_SPECIAL_TOKENS);
  const unknown = oneOf('unknown', options.unknown, ['unk', 'error'] as const, 'unk');
  if (unknown === 'unk' && !specials.includes('<unk>')) {
    throw invalidOption(
      'specialTokens',
      "`unknown: 'unk'` needs '<unk>' in specialTokens; add it or set `unknown: 'error'`.",
    );
  }
  const { text } = options;
  const texts = typeof text === 'string' ? [text] : text;
  if (texts === null || typeof texts !== 'object' || typeof texts[Symbol.iterator] !== 'function') {
    throw invalidOption('text', 'expected a string or an iterable of strings.');
  }
  const chars = new Set<string>();
  let index = 0;
  for (const part of texts) {
    if (typeof part !== 'string')
      throw invalidOption(`text[${index}]`, `expected a string, got ${typeof part}.`);
    for (const char of part) chars.add(char);
    index++;
  }
  const vocab = new Map<string, number>(specials.map((token, id) => [token, id]));
  const byCodePoint = [...chars].sort((x, y) => (x.codePointAt(0) as number) - (y.codePointAt(0) as number));
  for (const char of byCodePoint) if (!vocab.has(char)) vocab.set(char, vocab.size);
  const model = new CharModel(vocab, unknown === 'unk' ? vocab.get('<unk>') : undefined);
  return new Tokenizer(
    model,
    specials.map((content, id) => ({ id, content, special: true })),
  );
}
