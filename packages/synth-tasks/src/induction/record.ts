import { z } from 'zod';

/** Anything that turns text into token ids; `@beyond-ntp/tokenizer`, js-tiktoken and most others qualify. */
export interface TokenizerLike {
  /** Token ids of `text`. */
  encode(text: string): ArrayLike<number>;
}

/** Where one character's name occurs in a story. */
export interface NameMention {
  /** Index into the record's `names`. */
  character: number;
  /** 0 for the character's first mention, 1 for the second, … Induction targets are occurrences ≥ 1. */
  occurrence: number;
  /** Offset of the name's first character in `text` (the character before it is always a space). */
  start: number;
  /** Offset just past the name's last character. */
  end: number;
}

/** One children's story whose character names encode to exactly two tokens. */
export interface InductionRecord {
  /** Task tag. */
  task: 'induction';
  /** Split the story belongs to. */
  split: 'train' | 'test';
  /** The story. */
  text: string;
  /** The characters' names; `' ' + name` encodes to exactly two tokens under the generating tokenizer. */
  names: string[];
  /** Every name mention in order of appearance. */
  mentions: NameMention[];
}

/** Schema used to validate imported induction records. */
export const inductionRecordSchema = z
  .object({
    task: z.literal('induction'),
    split: z.enum(['train', 'test']),
    text: z.string(),
    names: z.array(z.string().regex(/^[A-Z][a-z]*$/)),
    mentions: z.array(
      z.object({
        character: z.number().int().nonnegative(),
        occurrence: z.number().int().nonnegative(),
        start: z.number().int().positive(),
        end: z.number().int().positive(),
      }),
    ),
  })
  .refine((r) => r.mentions.every((m) => r.text.slice(m.start, m.end) === r.names[m.character]), {
    message: 'has a mention whose offsets do not spell its name',
    path: ['mentions'],
  });
