import { z } from 'zod';
import { SynthTasksError } from '../errors.js';
import { drawRecords } from '../generate.js';
import { type BaseOptions, baseOptionsSchema, intIn, parseOptions } from '../options.js';
import type { Rng } from '../random.js';
import { randomName, sampleStory } from './grammar.js';
import type { InductionRecord, NameMention, TokenizerLike } from './record.js';

/** Options of {@link generateInduction}. */
export interface InductionOptions extends BaseOptions {
  /** Tokenizer the names are checked against: every `' ' + name` must encode to exactly two tokens. */
  tokenizer: TokenizerLike;
  /**
   * Fewest characters per story.
   * @default 2
   */
  minCharacters?: number;
  /**
   * Most characters per story.
   * @default 3
   */
  maxCharacters?: number;
  /**
   * Fewest event sentences between the introductions and the ending; at least `maxCharacters`, since each
   * event names its protagonist and protagonists rotate through the characters.
   * @default 4
   */
  minEvents?: number;
  /**
   * Most event sentences.
   * @default 8
   */
  maxEvents?: number;
}

const schema = baseOptionsSchema
  .extend({
    tokenizer: z.custom<TokenizerLike>(
      (t) => typeof t === 'object' && t !== null && typeof (t as TokenizerLike).encode === 'function',
      'must be an object with an encode(text) method',
    ),
    minCharacters: intIn(1, 4).default(2),
    maxCharacters: intIn(1, 4).default(3),
    minEvents: intIn(1, 40).default(4),
    maxEvents: intIn(1, 40).default(8),
  })
  .refine((o) => o.minCharacters <= o.maxCharacters, {
    message: 'must be <= maxCharacters',
    path: ['minCharacters'],
  })
  .refine((o) => o.minEvents <= o.maxEvents, { message: 'must be <= maxEvents', path: ['minEvents'] })
  .refine((o) => o.minEvents >= o.maxCharacters, {
    message: 'must be >= maxCharacters, so that every character is named again in an event',
    path: ['minEvents'],
  });

/** How many random names to try before deciding the tokenizer has no two-token names. */
const NAME_ATTEMPTS = 2000;

/**
 * Generates children's stories for the induction task of Gloeckle et al. (2024, §4.1): each character gets
 * a random name that is exactly two tokens (with its leading space) under `tokenizer` and is mentioned
 * several times; the second token of every repeat mention is a pure induction target.
 */
export function generateInduction(options: InductionOptions): InductionRecord[] {
  return [...inductionRecords(options)];
}

/** Lazy form of {@link generateInduction}, for large datasets and the CLI. */
export function* inductionRecords(options: InductionOptions): Generator<InductionRecord> {
  const opts = parseOptions(schema, options, 'generateInduction');
  const isTwoTokens = (name: string) => opts.tokenizer.encode(` ${name}`).length === 2;
  yield* drawRecords(
    'induction',
    opts,
    (rng, split) => {
      const characters = rng.int(opts.minCharacters, opts.maxCharacters);
      const story = sampleStory(rng, characters, rng.int(opts.minEvents, opts.maxEvents));
      const names = drawNames(rng, characters, isTwoTokens);
      return { task: 'induction', split, ...castNames(story.text, names) };
    },
    (record) => record.text,
  );
}

function drawNames(rng: Rng, count: number, isTwoTokens: (name: string) => boolean): string[] {
  const names: string[] = [];
  for (let attempt = 0; names.length < count; attempt++) {
    if (attempt >= NAME_ATTEMPTS) {
      throw new SynthTasksError(
        'GENERATION_FAILED',
        `generateInduction: option "tokenizer" encoded only ${names.length} of ${count} needed distinct names ` +
          `as exactly two tokens in ${NAME_ATTEMPTS} tries (names are checked with a leading space, e.g. ` +
          `" ${randomName(rng)}"); use a subword tokenizer`,
      );
    }
    const name = randomName(rng);
    if (!names.includes(name) && isTwoTokens(name)) names.push(name);
  }
  return names;
}

/** Replaces `{i}` slots by names, recording every mention's offsets and occurrence number. */
function castNames(template: string, names: readonly string[]) {
  const mentions: NameMention[] = [];
  const seen = names.map(() => 0);
  let text = '';
  let last = 0;
  for (const slot of template.matchAll(/\{(\d)\}/g)) {
    const character = Number(slot[1]);
    const name = names[character] as string;
    const occurrence = seen[character] ?? 0;
    seen[character] = occurrence + 1;
    text += template.slice(last, slot.index);
    mentions.push({ character, occurrence, start: text.length, end: text.length + name.length });
    text += name;
    last = slot.index + slot[0].length;
  }
  text += template.slice(last);
  return { text, names: [...names], mentions };
}
