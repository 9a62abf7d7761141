import { generateInduction, type TokenizerLike } from '@beyond-ntp/synth-tasks';

/*
 * A word-level tokenizer for synth-tasks' induction stories in which names are made of syllable tokens. The
 * stories' words come from a fixed grammar, so each is one token; a name is a random syllable string, which the
 * tokenizer splits into consonant-onset + vowel syllables. synth-tasks keeps only names that encode to exactly
 * two tokens, so every name is two syllables from a small shared inventory (the calibration's design: names of
 * two syllable tokens), and the second syllable of a repeated name can only be known by copying it from the
 * name's earlier mention.
 */

/** Consonant onsets of the name syllables (synth-tasks' name grammar, whose codas are left out). */
const ONSETS = 'b d f g h j k l m n p r s t v w z br dr gr kr tr st sh ch th'.split(' ');
/** Vowel nuclei of the name syllables. */
const NUCLEI = 'a e i o u ai ee oo ou y'.split(' ');
/** Syllables: every onset + nucleus, 260 in all. Case is folded: `Tra` and `tra` are one token. */
export const SYLLABLES: readonly string[] = ONSETS.flatMap((o) => NUCLEI.map((n) => o + n));
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** Special tokens: padding (never a target) and anything the vocabulary cannot spell. */
export const PAD_ID = 0;
const UNK = '<unk>';

/** Words and punctuation marks, spaces dropped: `" Tramix ran."` → `Tramix`, `ran`, `.`. */
const PIECES = /[A-Za-z]+|[^A-Za-z\s]/g;

/** Consonant and vowel runs alternating; a word is syllables when every run is an onset, then a nucleus. */
function syllablesOf(word: string): string[] | undefined {
  const runs = word.toLowerCase().match(/[^aeiouy]+|[aeiouy]+/g) ?? [];
  if (runs.length % 2 !== 0) return undefined;
  const out: string[] = [];
  for (let i = 0; i < runs.length; i += 2) {
    const [onset, nucleus] = [runs[i] as string, runs[i + 1] as string];
    if (!ONSETS.includes(onset) || !NUCLEI.includes(nucleus)) return undefined;
    out.push(onset + nucleus);
  }
  return out;
}

/** The tokenizer of one vocabulary of story words. */
export class StoryTokenizer implements TokenizerLike {
  /** Token strings by id: `<pad>`, `<unk>`, the words and marks, the syllables, then single letters. */
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;
  private readonly words: Set<string>;

  /** A tokenizer whose whole-word tokens are `words` (words and punctuation marks, case-sensitive). */
  constructor(words: Iterable<string>) {
    this.words = new Set(words);
    const syllableKeys = SYLLABLES.map((s) => `#${s}`);
    const letterKeys = LETTERS.map((l) => `@${l}`);
    this.tokens = ['<pad>', UNK, ...[...this.words].sort(), ...syllableKeys, ...letterKeys];
    this.ids = new Map(this.tokens.map((t, id) => [t, id]));
  }

  /** Number of token ids. */
  get vocabSize(): number {
    return this.tokens.length;
  }

  /**
   * Ids of `text`: a known word or mark is one token; an unknown word is its syllables if it splits into them
   * (names), else its letters; an unknown mark is `<unk>`.
   */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const [piece] of text.matchAll(PIECES)) {
      if (this.words.has(piece)) out.push(this.ids.get(piece) as number);
      else if (!/[A-Za-z]/.test(piece)) out.push(this.ids.get(UNK) as number);
      else {
        const syllables = syllablesOf(piece);
        const keys = syllables ? syllables.map((s) => `#${s}`) : [...piece.toLowerCase()].map((l) => `@${l}`);
        for (const key of keys) out.push(this.ids.get(key) as number);
      }
    }
    return out;
  }
}

/**
 * The story vocabulary: every word and mark of `count` generated stories except their names. The grammar's
 * word lists are small, so a few thousand stories cover them; a word never seen would still be spelled by
 * letters, so the tokenizer is exact on any story.
 */
export function storyTokenizer(options: { count: number; seed: string }): StoryTokenizer {
  // Names are checked against the name-only tokenizer here; the vocabulary comes from the other words.
  const namesOnly = new StoryTokenizer([]);
  const words = new Set<string>();
  for (const story of generateInduction({ seed: options.seed, count: options.count, tokenizer: namesOnly })) {
    const names = new Set(story.names);
    for (const [piece] of story.text.matchAll(PIECES)) if (!names.has(piece)) words.add(piece);
  }
  return new StoryTokenizer(words);
}
