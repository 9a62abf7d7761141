import { drawRecords } from '../generate.js';
import { type BaseOptions, baseOptionsSchema, intIn, parseOptions } from '../options.js';
import type { Rng } from '../random.js';
import { labelsForTopics, TOPIC_AFFINITY, TOPIC_KEYWORDS, TOPICS, type Topic } from './labels.js';
import type { MultilabelRecord } from './record.js';

/** Options of {@link generateMultilabel}. */
export interface MultilabelOptions extends BaseOptions {
  /**
   * Most topics per text (1 + Poisson(0.8), capped here).
   * @default 3
   */
  maxTopics?: number;
  /**
   * Most filler sentences (without keywords) per text.
   * @default 2
   */
  maxFiller?: number;
}

const schema = baseOptionsSchema.extend({
  maxTopics: intIn(1, TOPICS.length).default(3),
  maxFiller: intIn(0, 10).default(2),
});

const SUBJECTS = [
  'My aunt',
  'The teacher',
  'Our neighbour',
  'A friend',
  'The children',
  'Grandpa',
  'Everyone',
  'Nobody',
];
const TOPIC_SENTENCES = [
  (s: string, a: string, b: string) => `${s} talked about the ${a} and the ${b}.`,
  (s: string, a: string, b: string) => `${s} could not stop thinking of the ${a}, or of the ${b}.`,
  (s: string, a: string) => `${s} wrote a long letter about the ${a}.`,
  (s: string, a: string, b: string) => `${s} saw the ${a} next to the ${b}.`,
  (s: string, a: string) => `${s} remembered the ${a} from last year.`,
];
const FILLER = [
  'It was a quiet Tuesday.',
  'Nothing else happened that day.',
  'The clock on the wall ticked slowly.',
  'Somebody laughed in the next room.',
  'Later everyone went to bed early.',
  'The lamp in the corner flickered.',
];

/**
 * Generates multi-label texts whose labels depend on each other: topics co-occur through an affinity table,
 * and two labels (`outdoors`, `home`) are functions of the topics with no keywords of their own.
 */
export function generateMultilabel(options: MultilabelOptions): MultilabelRecord[] {
  return [...multilabelRecords(options)];
}

/** Lazy form of {@link generateMultilabel}, for large datasets and the CLI. */
export function* multilabelRecords(options: MultilabelOptions): Generator<MultilabelRecord> {
  const opts = parseOptions(schema, options, 'generateMultilabel');
  yield* drawRecords(
    'multilabel',
    opts,
    (rng, split) => {
      const topics = drawTopics(rng, Math.min(opts.maxTopics, 1 + rng.poisson(0.8)));
      const sentences = [...topics].map((topic) => topicSentence(rng, topic));
      const filler = rng.sample(FILLER, rng.int(0, opts.maxFiller));
      const text = rng.shuffle([...sentences, ...filler]).join(' ');
      return { task: 'multilabel', split, text, labels: labelsForTopics(topics) };
    },
    (record) => record.text,
  );
}

/** First topic uniform; each further one drawn by affinity to those already chosen (1 = baseline weight). */
function drawTopics(rng: Rng, count: number): Set<Topic> {
  const chosen = new Set<Topic>([rng.choice(TOPICS)]);
  while (chosen.size < count) {
    const rest = TOPICS.filter((t) => !chosen.has(t));
    const weights = rest.map((t) => 1 + [...chosen].reduce((w, c) => w + (TOPIC_AFFINITY[c][t] ?? 0), 0));
    chosen.add(rest[rng.weightedIndex(weights)] as Topic);
  }
  return chosen;
}

function topicSentence(rng: Rng, topic: Topic): string {
  const [a, b] = rng.sample(TOPIC_KEYWORDS[topic], 2) as [string, string];
  return rng.choice(TOPIC_SENTENCES)(rng.choice(SUBJECTS), a, b);
}
