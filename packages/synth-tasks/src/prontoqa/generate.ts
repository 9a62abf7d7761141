import { drawRecords } from '../generate.js';
import { type BaseOptions, baseOptionsSchema, intIn, parseOptions } from '../options.js';
import type { Rng } from '../random.js';
import { CONCEPT_WORDS, PERSON_NAMES, PROPERTIES } from '../vocab/fictional.js';
import type { ProntoQARecord } from './record.js';

/** Options of {@link generateProntoQA}. */
export interface ProntoQAOptions extends BaseOptions {
  /**
   * Fewest hops (rules in the proof); hops are uniform in [minHops, maxHops].
   * @default 5
   */
  minHops?: number;
  /**
   * Most hops (Coconut uses 5-hop questions).
   * @default 5
   */
  maxHops?: number;
  /**
   * Distractor concepts: the first states the opposite of the queried property (on a branch the entity is
   * not in), the rest hang off the proof chain with unrelated properties.
   * @default 2
   */
  distractors?: number;
}

const schema = baseOptionsSchema
  .extend({
    minHops: intIn(1, 10).default(5),
    maxHops: intIn(1, 10).default(5),
    distractors: intIn(0, 10).default(2),
  })
  .refine((o) => o.minHops <= o.maxHops, { message: 'must be <= maxHops', path: ['minHops'] });

const is = (positive: boolean, property: string) => (positive ? property : `not ${property}`);

/**
 * Generates ProntoQA-style questions (Saparov & He 2023, as used by Coconut): the entity is a c0, every
 * c(i) is a c(i+1), each chain concept has a property, and the query asks for the property of the last
 * concept, so answering needs all k hops. Distractors state the opposite property on another branch.
 */
export function generateProntoQA(options: ProntoQAOptions): ProntoQARecord[] {
  return [...prontoqaRecords(options)];
}

/** Lazy form of {@link generateProntoQA}, for large datasets and the CLI. */
export function* prontoqaRecords(options: ProntoQAOptions): Generator<ProntoQARecord> {
  const opts = parseOptions(schema, options, 'generateProntoQA');
  yield* drawRecords(
    'prontoqa',
    opts,
    (rng, split) => buildQuestion(rng, split, rng.int(opts.minHops, opts.maxHops), opts.distractors),
    (record) => record.question,
  );
}

function buildQuestion(rng: Rng, split: 'train' | 'test', hops: number, distractors: number): ProntoQARecord {
  const [name, other] = rng.sample(PERSON_NAMES, 2) as [string, string];
  const concepts = rng.sample(CONCEPT_WORDS, hops + distractors);
  const properties = rng.sample(PROPERTIES, hops + distractors);
  const chain = concepts.slice(0, hops);
  const polarity = chain.map(() => rng.bernoulli(0.5));
  const last = hops - 1;
  const queried = properties[last] as string;

  const context = [`${name} is a ${chain[0]}.`];
  const steps: string[] = [];
  chain.forEach((concept, i) => {
    const rule = `Every ${concept} is ${is(polarity[i] as boolean, properties[i] as string)}.`;
    context.push(rule);
    if (i < last) context.push(`Every ${concept} is a ${chain[i + 1]}.`);
    steps.push(
      i < last
        ? `Every ${concept} is a ${chain[i + 1]}. ${name} is a ${chain[i + 1]}.`
        : `${rule} ${name} is ${is(polarity[i] as boolean, queried)}.`,
    );
  });
  concepts.slice(hops).forEach((d, j) => {
    if (j === 0) {
      // Opposite of the queried property, on a branch outside the entity's ancestry: reading it is a trap.
      context.push(`Every ${d} is ${is(!polarity[last], queried)}.`, `${other} is a ${d}.`);
    } else {
      // A subtype of a chain concept inherits nothing that contradicts its own fresh property.
      context.push(
        `Every ${d} is a ${rng.choice(chain)}.`,
        `Every ${d} is ${is(rng.bernoulli(0.5), properties[hops + j] as string)}.`,
      );
    }
  });
  const queryPositive = rng.bernoulli(0.5);
  return {
    task: 'prontoqa',
    split,
    hops,
    question: `${rng.shuffle(context).join(' ')} True or false: ${name} is ${is(queryPositive, queried)}.`,
    steps,
    answer: queryPositive === polarity[last] ? 'True' : 'False',
  };
}
