// Made-up concept words in the style of ProsQA/ProntoQA ("lempus", "grimpus", "zhorpus"): onset + vowel + coda.
const ONSETS = 'b br d f g gr j k l m n p r s sh st t tr v w y z zh'.split(' ');
const VOWELS = ['a', 'e', 'i', 'o', 'u'];
const CODAS = ['mpus', 'rpus', 'lpus', 'mpice', 'rpor'];

/** All concept words, in a fixed order (23 × 5 × 5 = 575). */
export const CONCEPT_WORDS: readonly string[] = ONSETS.flatMap((o) =>
  VOWELS.flatMap((v) => CODAS.map((c) => `${o}${v}${c}`)),
);

/** Given names used for entities (parentless ProsQA nodes, ProntoQA subjects). */
export const PERSON_NAMES: readonly string[] = [
  'Alex',
  'Sam',
  'Tom',
  'Max',
  'Wren',
  'Jack',
  'Polly',
  'Fae',
  'Rex',
  'Stella',
  'Sally',
  'Bob',
  'Davis',
  'Eva',
  'Gina',
  'Hank',
  'Ivy',
  'Jules',
  'Kai',
  'Lena',
  'Milo',
  'Nora',
  'Otto',
  'Quinn',
  'Rosa',
  'Tara',
  'Uma',
  'Vera',
  'Wade',
  'Zoe',
];

/** Properties for ProntoQA-style rules ("Every lempus is bitter."). */
export const PROPERTIES: readonly string[] = [
  'bitter',
  'sweet',
  'sour',
  'salty',
  'spicy',
  'hot',
  'cold',
  'wooden',
  'metallic',
  'luminous',
  'liquid',
  'transparent',
  'opaque',
  'bright',
  'dull',
  'large',
  'small',
  'fast',
  'slow',
  'happy',
  'sad',
  'kind',
  'mean',
  'angry',
  'feisty',
  'shy',
  'aggressive',
  'nervous',
  'red',
  'blue',
  'floral',
  'fruity',
  'earthy',
  'temperate',
];
