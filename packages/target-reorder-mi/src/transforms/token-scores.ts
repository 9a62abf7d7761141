import { invalidOption, shown } from '../errors.js';
import { type EstimatorChoice, resolveEstimator } from '../estimators/estimator.js';
import { checkBoundaries, corpusSentences } from './sentences.js';

/**
 * How a sentence-start token is picked from a sentence: each non-boundary token w of the sentence scores
 * `weight(w)` (times its count in the sentence when `termFrequency`), the highest wins, ties go to the
 * earlier token. Tokens without a weight (and `unseenWeight` null) are never picked.
 */
export interface TokenScores {
  /** How the weights were computed, recorded with the transform, e.g. `'tf-idf'`. */
  readonly selectedBy: string;
  /** Weight of each known token. */
  readonly weights: ReadonlyMap<string, number>;
  /** Weight of tokens not in `weights`, or `null` to never pick them. */
  readonly unseenWeight: number | null;
  /** Multiply the weight by the token's count in the sentence (TF-IDF) or not. */
  readonly termFrequency: boolean;
}

/** Options of {@link tfidfScores}. */
export interface TfidfScoresOptions {
  /** Training texts as token arrays; each is split into sentences, which are the TF-IDF documents. */
  corpus: readonly (readonly string[])[];
  /**
   * Sentence-ending tokens.
   * @default ['.', '!', '?']
   */
  boundaries?: readonly string[];
}

/**
 * TF-IDF scores with sentences as documents and scikit-learn's smoothed inverse document frequency,
 *
 *     idf(w) = ln((1 + N) / (1 + df(w))) + 1,
 *
 * N the number of sentences and df(w) the number containing w. The picked token of a sentence maximises
 * tf(w, sentence) · idf(w); unseen tokens get the idf of df = 0.
 */
export function tfidfScores(options: TfidfScoresOptions): TokenScores {
  const boundaries = checkBoundaries(options.boundaries);
  const sentences = corpusSentences(options.corpus, boundaries);
  const df = documentFrequencies(sentences, boundaries);
  const n = sentences.length;
  const idf = (d: number) => Math.log((1 + n) / (1 + d)) + 1;
  return {
    selectedBy: 'tf-idf',
    weights: new Map([...df].map(([token, d]) => [token, idf(d)])),
    unseenWeight: idf(0),
    termFrequency: true,
  };
}

/** Options of {@link miTokenScores}. */
export interface MiTokenScoresOptions extends TfidfScoresOptions {
  /**
   * Only the tokens in most sentences are scored (ties by first appearance); others are never picked.
   * Costs grow with its square.
   * @default 200
   */
  vocabularySize?: number;
  /**
   * How each 2×2 presence table's entropies are estimated.
   * @default 'plug-in'
   */
  estimator?: EstimatorChoice;
}

/** Number of sentences each non-boundary token occurs in, in order of first appearance. */
function documentFrequencies(
  sentences: readonly string[][],
  boundaries: ReadonlySet<string>,
): Map<string, number> {
  const df = new Map<string, number>();
  for (const sentence of sentences) {
    for (const token of new Set(sentence))
      if (!boundaries.has(token)) df.set(token, (df.get(token) ?? 0) + 1);
  }
  return df;
}

/**
 * Mutual-information scores: with X_w = "token w occurs in the sentence", a token scores
 *
 *     score(w) = Σ_{v ≠ w} I(X_w; X_v)
 *
 * over the scored vocabulary, i.e. how much its presence tells about which other tokens the sentence
 * holds (the "sum over single tokens" source definition applied to presence indicators). This is one
 * plausible reading of "the token chosen by MI", not a definition taken from the paper.
 */
export function miTokenScores(options: MiTokenScoresOptions): TokenScores {
  const boundaries = checkBoundaries(options.boundaries);
  const estimator = resolveEstimator(options.estimator);
  const size = options.vocabularySize ?? 200;
  if (!Number.isInteger(size) || size < 1 || size > 2048) {
    throw invalidOption('vocabularySize', `must be an integer in 1..2048 (got ${shown(size)})`);
  }
  const sentences = corpusSentences(options.corpus, boundaries);
  const n = sentences.length;
  if (n === 0) throw invalidOption('corpus', 'must hold at least one sentence');
  const vocabulary = [...documentFrequencies(sentences, boundaries)]
    .sort((a, b) => b[1] - a[1])
    .slice(0, size)
    .map(([token]) => token);
  const k = vocabulary.length;
  const index = new Map(vocabulary.map((token, i) => [token, i]));
  const df = new Float64Array(k);
  const both = new Float64Array(k * k);
  for (const sentence of sentences) {
    const present = [...new Set(sentence)].flatMap((t) => index.get(t) ?? []);
    for (const [a, i] of present.entries()) {
      df[i] = (df[i] as number) + 1;
      for (const j of present.slice(a + 1)) {
        const cell = Math.min(i, j) * k + Math.max(i, j);
        both[cell] = (both[cell] as number) + 1;
      }
    }
  }
  const entropyOf = (counts: number[]) => estimator.entropy({ counts, total: n, sampleCount: n });
  const marginal = Array.from(df, (d) => entropyOf([d, n - d]));
  const scores = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const n11 = both[i * k + j] as number;
      const n10 = (df[i] as number) - n11;
      const n01 = (df[j] as number) - n11;
      const mi =
        (marginal[i] as number) + (marginal[j] as number) - entropyOf([n11, n10, n01, n - n11 - n10 - n01]);
      scores[i] = (scores[i] as number) + mi;
      scores[j] = (scores[j] as number) + mi;
    }
  }
  return {
    selectedBy: `mutual-information (${estimator.name})`,
    weights: new Map(vocabulary.map((token, i) => [token, scores[i] as number])),
    unseenWeight: null,
    termFrequency: false,
  };
}
