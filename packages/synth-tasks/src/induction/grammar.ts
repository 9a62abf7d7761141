import type { Rng } from '../random.js';

/*
 * A small probabilistic grammar of children's stories. Sentences are templates whose slots are filled from
 * word lists; {0}, {1}, … stand for the characters' names and are substituted last so their offsets are
 * known. Names never start a story and always follow a space, so a word-level tokenizer sees the same
 * tokens for a name wherever it occurs.
 */

const KINDS = [
  'little fox',
  'brave mouse',
  'curious girl',
  'tiny dragon',
  'old turtle',
  'young boy',
  'kind bear',
  'clever cat',
  'shy rabbit',
  'happy duck',
  'small robot',
  'gentle giant',
  'silly goose',
  'wise owl',
  'busy bee',
  'lonely whale',
  'friendly dog',
  'playful puppy',
  'sleepy koala',
  'proud lion',
  'little girl',
  'tall giraffe',
  'quiet squirrel',
  'noisy parrot',
  'brave knight',
  'funny monkey',
  'tiny snail',
  'big frog',
];
const PLACES = [
  'the forest',
  'a small village',
  'the beach',
  'a big city',
  'the garden',
  'the park',
  'the farm',
  'a tall castle',
  'the mountains',
  'the river',
  'a cozy house',
  'the meadow',
  'the school',
  'the zoo',
  'the lake',
  'the jungle',
  'the desert',
  'an old library',
  'the market',
  'the bakery',
  'the playground',
];
const OBJECT_COLORS = [
  'red',
  'shiny',
  'blue',
  'big',
  'magic',
  'tiny',
  'golden',
  'green',
  'torn',
  'wooden',
  'yellow',
  'warm',
  'silver',
  'little',
  'purple',
  'striped',
  'funny',
  'soft',
];
const OBJECT_NOUNS = [
  'ball',
  'key',
  'kite',
  'box',
  'stone',
  'boat',
  'coin',
  'hat',
  'map',
  'toy',
  'balloon',
  'blanket',
  'bell',
  'drum',
  'crown',
  'jar',
  'apple',
  'rope',
  'pillow',
  'book',
  'flower',
  'train',
  'shell',
  'feather',
];
const FEELINGS = [
  'happy',
  'sad',
  'scared',
  'excited',
  'tired',
  'proud',
  'angry',
  'surprised',
  'curious',
  'worried',
  'brave',
  'lonely',
  'calm',
  'hungry',
  'sleepy',
  'grumpy',
  'cheerful',
];
const INTENSIFIERS = ['', '', 'very ', 'a little ', 'so '];
const ACTIONS = [
  'ran around',
  'jumped up and down',
  'sang a song',
  'danced',
  'laughed',
  'took a nap',
  'went for a walk',
  'looked at the sky',
  'counted the stars',
  'built a sand castle',
  'climbed a tree',
  'painted a picture',
  'played a game',
  'read a story',
  'baked a cake',
  'picked some berries',
  'splashed in a puddle',
  'flew a kite',
  'planted a seed',
  'hummed a tune',
  'made a sandwich',
  'hid behind a bush',
  'chased a butterfly',
  'rolled down a hill',
  'drew a map',
  'fed the ducks',
  'looked under the bed',
];
const TIMES = [
  'One sunny morning',
  'One rainy day',
  'Later that day',
  'The next morning',
  'That evening',
  'After lunch',
  'One cold night',
  'Soon',
  'Suddenly',
  'A little later',
  'On Sunday',
  'Before dinner',
];

const MANNERS = [
  '',
  ' happily',
  ' quietly',
  ' with a big grin',
  ' after a while',
  ' again',
  ' slowly',
  ' right away',
];
const LESSONS = [
  'sharing is good',
  'friends help each other',
  'being brave is not easy',
  'it is fine to be scared',
  'listening matters',
  'every day is an adventure',
  'patience pays off',
  'kindness is a gift',
];

const OPENINGS = [
  'Once upon a time, there was a {kind} named {0}.',
  'Once upon a time, in {place}, lived a {kind} named {0}.',
  'Long ago, a {kind} called {0} lived in {place}.',
  'There once was a {kind} named {0}.',
  'In {place}, there lived a {kind}. Everyone called the {kind} {0}.',
];
const INTRODUCTIONS = [
  '{0} had a friend, a {kind} named {1}.',
  'Not far away lived a {kind} called {1}.',
  'There was also a {kind} named {1}, who lived in {place}.',
  'One day, {0} met a {kind}. The {kind} said, "My name is {1}."',
];
const SOLO_EVENTS = [
  '{time}, {0} found a {object} in {place}.',
  '{time}, {0} {action}.',
  '{0} was very {feeling}.',
  '{0} looked for the {object} everywhere.',
  '"I want to go to {place}," said {0}.',
  'The {object} made {0} feel {feeling}.',
  '{time}, {0} went to {place} and {action}.',
  '{0} held the {object} and {action}.',
  'Nobody else knew about the {object}, but {0} did.',
  '{time}, {0} heard a strange noise near {place}.',
  '{0} thought, "Today I will be {feeling}."',
  'The wind blew, and {0} {action}.',
];
const PAIR_EVENTS = [
  '{0} showed the {object} to {1}.',
  '{1} said, "What a nice {object}, {0}!"',
  '{0} and {1} went to {place} together.',
  '{0} felt {feeling} because {1} {action}.',
  '{0} wanted to play with {1}, but {1} was {feeling}.',
  '"Let\'s go to {place}!" said {0} to {1}.',
  '{1} smiled at {0}{manner}.',
  '{0} lost the {object}, and {1} helped {0} look for it.',
  '{0} asked {1}, "Can I have the {object}?"',
  '{0} gave {1} a {object}.',
  'At {place}, {1} {action} while {0} watched.',
  "{0}'s friend {1} came to visit{manner}.",
  '{time}, {0} and {1} {action}.',
  '{0} told {1} a secret about the {object}.',
  '"Where are you going, {1}?" asked {0}.',
  '{1} was {feeling}, so {0} {action}.',
  '{0} hid the {object} from {1}, and then {0} laughed.',
  'When {0} saw {place}, {0} told {1} about it.',
];
const ENDINGS = [
  'In the end, {0} and {1} became best friends.',
  '{0} learned that {lesson}.',
  'From that day on, {0} was never {feeling} again.',
  '{0} went home{manner} and slept well.',
  '{0} and {1} {action} until the sun went down.',
  'The end. {0} still keeps the {object} in {place}.',
];

/** A story as a template: name slots `{i}` still unfilled. */
export interface StoryTemplate {
  /** Story text with `{i}` for character i's name. */
  text: string;
  /** Number of characters. */
  characters: number;
}

const fill = (template: string, rng: Rng, kind: string, object: string) =>
  template
    .replace(/\{kind\}/g, kind)
    .replace(/\{object\}/g, object)
    .replace(/\{place\}/g, () => rng.choice(PLACES))
    .replace(/\{feeling\}/g, () => rng.choice(INTENSIFIERS) + rng.choice(FEELINGS))
    .replace(/\{action\}/g, () => rng.choice(ACTIONS))
    .replace(/\{time\}/g, () => rng.choice(TIMES))
    .replace(/\{manner\}/g, () => rng.choice(MANNERS))
    .replace(/\{lesson\}/g, () => rng.choice(LESSONS));

/** Index slots {0}/{1} of a template mapped onto the story's characters a and b. */
const cast = (template: string, a: number, b: number) =>
  template
    .replace(/\{0\}/g, `{@${a}}`)
    .replace(/\{1\}/g, `{@${b}}`)
    .replace(/\{@(\d+)\}/g, '{$1}');

/** Draws a story with `characters` characters and `events` event sentences. */
export function sampleStory(rng: Rng, characters: number, events: number): StoryTemplate {
  const kinds = rng.sample(KINDS, characters);
  const object = `${rng.choice(OBJECT_COLORS)} ${rng.choice(OBJECT_NOUNS)}`;
  const other = (a: number) => (a + rng.int(1, characters - 1)) % characters;
  const sentences = [fill(rng.choice(OPENINGS), rng, kinds[0] as string, object)];
  for (let c = 1; c < characters; c++) {
    sentences.push(cast(fill(rng.choice(INTRODUCTIONS), rng, kinds[c] as string, object), c - 1, c));
  }
  for (let e = 0; e < events; e++) {
    // Rotate the protagonist, who is named in every event template, so each character recurs.
    const a = e % characters;
    const pair = characters > 1 && rng.bernoulli(0.6);
    const template = rng.choice(pair ? PAIR_EVENTS : SOLO_EVENTS);
    sentences.push(cast(fill(template, rng, kinds[a] as string, object), a, pair ? other(a) : a));
  }
  const ending = rng.choice(characters > 1 ? ENDINGS : ENDINGS.filter((t) => !t.includes('{1}')));
  sentences.push(cast(fill(ending, rng, kinds[0] as string, object), 0, characters > 1 ? other(0) : 0));
  return { text: sentences.join(' '), characters };
}

// Word lists as space-separated strings: compact, and one glance shows the whole inventory.
const ONSETS = 'b d f g h j k l m n p r s t v w z br dr gr kr tr st sh ch th'.split(' ');
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ee', 'oo', 'ou', 'y'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'k', 'm', 'x'];

/** A random pronounceable name of 1–3 syllables, capitalized ("Bo", "Tramix", "Sheelukor"). */
export function randomName(rng: Rng): string {
  let name = '';
  for (let s = rng.int(1, 3); s > 0; s--) name += rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS);
  return name[0]?.toUpperCase() + name.slice(1);
}
