import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { mutualInformation } from '../estimators/information.js';
import { transformFromJSON } from './from-json.js';
import { SentenceStart } from './sentence-start.js';
import { miTokenScores, tfidfScores } from './token-scores.js';

const words = (text: string) => text.split(' ');
const corpus = [words('the cat sat . the dog ran .'), words('a cat ran !')];
const tokens = fc.array(fc.constantFrom('a', 'b', 'c', 'd', '.', '!'), { maxLength: 40 });

/** Sentences of a token list, split the plain way: cut after every boundary, keep a trailing remainder. */
function naiveSentences(list: readonly string[]): string[][] {
  const sentences: string[][] = [[]];
  for (const token of list) {
    (sentences.at(-1) as string[]).push(token);
    if (token === '.' || token === '!' || token === '?') sentences.push([]);
  }
  return sentences.filter((s) => s.length > 0);
}

describe('tfidfScores', () => {
  it('idf = ln((1 + N)/(1 + df)) + 1 over N = 3 sentences', () => {
    const scores = tfidfScores({ corpus });
    expect(scores.selectedBy).toBe('tf-idf');
    expect(scores.termFrequency).toBe(true);
    expect(scores.weights.get('the')).toBeCloseTo(Math.log(4 / 3) + 1, 14); // df 2
    expect(scores.weights.get('sat')).toBeCloseTo(Math.log(4 / 2) + 1, 14); // df 1
    expect(scores.unseenWeight).toBeCloseTo(Math.log(4) + 1, 14);
    expect(scores.weights.has('.')).toBe(false);
  });

  it('the inserted token is the top tf·idf token of each sentence: a rare word, unless a common one repeats', () => {
    const t = new SentenceStart({ scores: tfidfScores({ corpus }) });
    expect(t.apply(words('the cat sat . the dog ran .'))).toEqual(
      words('sat the cat sat . dog the dog ran .'),
    );
    // tf·idf: the = 3 × 1.288 = 3.863 beats sat = 1.693; a word never seen has the highest idf.
    expect(t.pick(words('the the the sat .'))).toBe('the');
    expect(t.pick(words('the zebra .'))).toBe('zebra');
  });
});

describe('miTokenScores', () => {
  it('scores Σ_v I(X_w; X_v) over presence indicators: x, y always together and z alone give 2 bits each', () => {
    const scores = miTokenScores({ corpus: [words('x y . z . x y . z .')] });
    expect(scores.selectedBy).toBe('mutual-information (plug-in)');
    expect(scores.unseenWeight).toBeNull();
    expect(scores.termFrequency).toBe(false);
    for (const token of ['x', 'y', 'z']) expect(scores.weights.get(token)).toBeCloseTo(2, 12);
  });

  it('equals Σ mutualInformation over presence vectors of naively split sentences (random corpora, Miller–Madow)', () => {
    fc.assert(
      fc.property(tokens, (list) => {
        const sentences = naiveSentences(list);
        fc.pre(sentences.length > 0);
        const scores = miTokenScores({ corpus: [list], estimator: 'miller-madow' });
        const vocabulary = [...new Set(list)].filter((w) => w !== '.' && w !== '!');
        expect([...scores.weights.keys()].sort()).toEqual(vocabulary.sort());
        const presence = (w: string) => sentences.map((s) => s.includes(w));
        for (const w of vocabulary) {
          const expected = vocabulary
            .filter((v) => v !== w)
            .reduce(
              (sum, v) =>
                sum + mutualInformation({ x: presence(w), y: presence(v), estimator: 'miller-madow' }),
              0,
            );
          expect(scores.weights.get(w)).toBeCloseTo(expected, 10);
        }
      }),
    );
  });

  it('scores only the vocabularySize tokens found in most sentences', () => {
    const scores = miTokenScores({ corpus: [words('a b . a c . a b . d .')], vocabularySize: 2 });
    expect([...scores.weights.keys()]).toEqual(['a', 'b']);
    expect(errorOf(() => miTokenScores({ corpus, vocabularySize: 0 })).field).toBe('vocabularySize');
  });
});

describe('SentenceStart', () => {
  const scores = tfidfScores({ corpus });

  it('invert(apply(x)) === x for random token lists; one token is inserted per sentence, at insertedPositions', () => {
    fc.assert(
      fc.property(tokens, (list) => {
        for (const s of [scores, miTokenScores({ corpus: [list, words('a b . c d .')] })]) {
          const t = new SentenceStart({ scores: s, boundaries: ['.', '!', '?'] });
          const applied = t.apply(list);
          expect(t.invert(applied)).toEqual(list);
          const sentences = naiveSentences(list);
          expect(applied).toHaveLength(list.length + sentences.length);
          const positions = t.insertedPositions(applied);
          expect(positions).toHaveLength(sentences.length);
          for (const p of positions) expect(['.', '!', '?']).not.toContain(applied[p]);
        }
      }),
    );
  });

  it('a sentence with no scored token gets the fallback; invert strips whatever token a model put first', () => {
    const t = new SentenceStart({ scores: { ...scores, unseenWeight: null }, fallback: '<pre>' });
    expect(t.apply(['.', 'zebra', '!'])).toEqual(['<pre>', '.', '<pre>', 'zebra', '!']);
    expect(t.invert(['dog', 'the', 'cat', 'sat', '.', 'x', 'ran'])).toEqual([
      'the',
      'cat',
      'sat',
      '.',
      'ran',
    ]);
    expect(t.apply([])).toEqual([]);
  });

  it('bad input names the field', () => {
    const t = new SentenceStart({ scores });
    expect(errorOf(() => t.apply('the cat' as never))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'tokens',
    });
    expect(errorOf(() => t.apply(['the', 3 as never])).field).toBe('tokens[1]');
    const boundary = errorOf(() => t.invert(['cat', '.', '.']));
    expect(boundary).toMatchObject({ code: 'INVALID_INPUT', field: 'tokens[2]' });
    expect(boundary.message).toMatch(/sentence boundary "\."/);
    expect(errorOf(() => new SentenceStart({ scores, fallback: '.' })).field).toBe('fallback');
    expect(errorOf(() => new SentenceStart({ scores, boundaries: [] })).field).toBe('boundaries');
    expect(errorOf(() => new SentenceStart({ scores: { ...scores, weights: {} as never } })).field).toBe(
      'scores.weights',
    );
    expect(errorOf(() => new SentenceStart({ scores: null as never })).field).toBe('scores');
  });

  it('round-trips through JSON (weights as pairs, so tokens like __proto__ are safe) and rejects damaged JSON', () => {
    const tricky = tfidfScores({ corpus: [words('__proto__ constructor . the end .')] });
    const t = new SentenceStart({ scores: tricky, boundaries: ['.'] });
    const restored = transformFromJSON(JSON.stringify(t)) as SentenceStart;
    expect(restored).toBeInstanceOf(SentenceStart);
    expect(restored.toJSON()).toEqual(t.toJSON());
    const text = words('__proto__ constructor constructor . end .');
    expect(restored.apply(text)).toEqual(t.apply(text));
    const json = t.toJSON();
    expect(
      errorOf(() =>
        transformFromJSON({
          ...json,
          weights: [
            ['a', 1],
            ['a', 2],
          ],
        }),
      ),
    ).toMatchObject({
      code: 'INVALID_JSON',
      field: 'transform.weights[1][0]',
    });
    expect(errorOf(() => transformFromJSON({ ...json, weights: [['a', 'x']] })).field).toBe(
      'transform.weights[0][1]',
    );
    expect(errorOf(() => transformFromJSON({ ...json, unseenWeight: 'x' })).field).toBe(
      'transform.unseenWeight',
    );
    expect(errorOf(() => transformFromJSON({ ...json, termFrequency: 1 })).field).toBe(
      'transform.termFrequency',
    );
    expect(errorOf(() => transformFromJSON({ ...json, boundaries: ['.', 4] })).field).toBe(
      'transform.boundaries[1]',
    );
  });
});
