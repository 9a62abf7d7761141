import type { CoconutTokens } from '@beyond-ntp/coconut-curriculum';
import { KitError } from '@beyond-ntp-examples/kit';

// ProsQA text is made of ~60 distinct words and two punctuation marks, so one token per word keeps a question
// of a 12-node graph under 100 tokens and makes "generated tokens" count words, as a reader would.

/** Special tokens, in id order: padding, end of sequence, Coconut's three markers, and the line break. */
export const SPECIALS = ['<pad>', '<eos>', '<bot>', '<eot>', '<latent>', '<pause>', '\n'] as const;

/** A word-level tokenizer over a closed vocabulary (every word of the generated data). */
export interface WordTokenizer {
  /** Vocabulary size: specials then words, sorted. */
  vocabSize: number;
  /** Token ids of `text`; every word must be in the vocabulary. */
  encode(text: string): number[];
  /** Text of `ids`, the inverse of `encode` on text it produced (specials other than "\n" are dropped). */
  decode(ids: readonly number[]): string;
  /** Coconut's special ids. */
  tokens: CoconutTokens;
  /** End of sequence. */
  eos: number;
}

// Words are runs of letters or "#"; "." and "?" are tokens of their own; "\n" is the line break token.
const PIECE = /[A-Za-z]+|#+|[.?]|\n/g;

/** The pieces `encode` maps to ids, in order. */
export function splitWords(text: string): string[] {
  return text.match(PIECE) ?? [];
}

/** Builds the tokenizer from every text it must encode (questions, steps, answers of both splits). */
export function wordTokenizer(texts: readonly string[]): WordTokenizer {
  const words = [...new Set(texts.flatMap(splitWords))].filter((w) => w !== '\n').sort();
  const vocab = [...SPECIALS, ...words];
  const idOf = new Map(vocab.map((token, id) => [token, id]));
  const id = (token: string) => idOf.get(token) as number;
  return {
    vocabSize: vocab.length,
    encode(text) {
      return splitWords(text).map((word) => {
        const found = idOf.get(word);
        if (found === undefined) {
          throw new KitError(
            'INVALID_ARGUMENT',
            'text',
            `word "${word}" is not in the vocabulary (built from the generated data)`,
          );
        }
        return found;
      });
    },
    decode(ids) {
      let text = '';
      for (const i of ids) {
        const token = vocab[i];
        if (token === undefined || (token.startsWith('<') && token.endsWith('>'))) continue;
        const glued = token === '.' || token === '?' || token === '\n' || text === '' || text.endsWith('\n');
        text += glued ? token : ` ${token}`;
      }
      return text;
    },
    tokens: {
      pad: id('<pad>'),
      bot: id('<bot>'),
      eot: id('<eot>'),
      latent: id('<latent>'),
      pause: id('<pause>'),
    },
    eos: id('<eos>'),
  };
}
