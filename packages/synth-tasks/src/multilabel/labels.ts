/**
 * The label space. Six topic labels are signalled by their own keywords; two more are functions of the
 * topics and have no keywords at all, so predicting them is easy once the topics are known and hard
 * before: the order in which labels are emitted matters.
 */
export const TOPIC_KEYWORDS = {
  animals: ['cat', 'dog', 'horse', 'rabbit', 'parrot', 'turtle', 'kitten', 'puppy', 'goat', 'owl'],
  food: ['soup', 'bread', 'cheese', 'noodles', 'apples', 'pancakes', 'salad', 'rice', 'cookies', 'pie'],
  music: ['guitar', 'piano', 'drums', 'violin', 'choir', 'song', 'melody', 'concert', 'flute', 'band'],
  sport: ['football', 'tennis', 'race', 'swimming', 'hockey', 'match', 'goal', 'coach', 'team', 'stadium'],
  travel: [
    'train',
    'airport',
    'ticket',
    'suitcase',
    'hotel',
    'map',
    'journey',
    'ferry',
    'passport',
    'border',
  ],
  weather: ['rain', 'snow', 'storm', 'wind', 'sunshine', 'fog', 'thunder', 'clouds', 'frost', 'heatwave'],
} as const;

/** A topic label (has keywords). */
export type Topic = keyof typeof TOPIC_KEYWORDS;

/** Topic labels in canonical order. */
export const TOPICS = Object.keys(TOPIC_KEYWORDS) as Topic[];

/** Labels derived from the topics: `outdoors` = sport ∨ travel ∨ weather; `home` = food ∨ music, unless outdoors. */
export const DERIVED_LABELS = ['outdoors', 'home'] as const;

/** Every label in canonical (serialization) order. */
export const MULTILABEL_LABELS: readonly string[] = [...TOPICS, ...DERIVED_LABELS];

/** The full, canonically ordered label list implied by a set of topics. */
export function labelsForTopics(topics: ReadonlySet<Topic>): string[] {
  const outdoors = topics.has('sport') || topics.has('travel') || topics.has('weather');
  const home = !outdoors && (topics.has('food') || topics.has('music'));
  return [
    ...TOPICS.filter((t) => topics.has(t)),
    ...(outdoors ? ['outdoors'] : []),
    ...(home ? ['home'] : []),
  ];
}

/**
 * How strongly one topic pulls in another as a further topic of the same text, so labels co-occur in
 * patterns (weather with travel and sport, food with music) rather than independently.
 */
export const TOPIC_AFFINITY: Record<Topic, Partial<Record<Topic, number>>> = {
  animals: { food: 2, weather: 1 },
  food: { music: 3, travel: 1 },
  music: { food: 3, animals: 1 },
  sport: { weather: 4, travel: 1 },
  travel: { weather: 3, food: 2 },
  weather: { travel: 3, sport: 3 },
};
