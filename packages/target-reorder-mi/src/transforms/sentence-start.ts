import { invalidInput, invalidOption, shown, type TargetReorderError } from '../errors.js';
import { invalidJson, readArray, readNullable, readNumber, readString } from './json-fields.js';
import { checkBoundaries, checkTokens, sentenceRanges } from './sentences.js';
import type { TokenScores } from './token-scores.js';
import {
  header,
  type ReversibleTransform,
  ROOT,
  readTransformJson,
  type TransformJsonHeader,
} from './transform-json.js';

/** Serialised {@link SentenceStart}. */
export interface SentenceStartJSON extends TransformJsonHeader<'sentence-start'> {
  /** Sentence-ending tokens. */
  boundaries: string[];
  /** Token inserted when no token of a sentence has a score. */
  fallback: string;
  /** How the weights were computed. */
  selectedBy: string;
  /** Whether weights are multiplied by the token's count in the sentence. */
  termFrequency: boolean;
  /** Weight of tokens not listed, or `null` to never pick them. */
  unseenWeight: number | null;
  /** `[token, weight]` pairs (pairs, not an object, so any token text is a safe key). */
  weights: Array<[string, number]>;
}

/** Options of {@link SentenceStart}. */
export interface SentenceStartOptions {
  /** How the inserted token is picked from each sentence ({@link tfidfScores}, {@link miTokenScores}, or your own). */
  scores: TokenScores;
  /**
   * Sentence-ending tokens; they are never inserted.
   * @default ['.', '!', '?']
   */
  boundaries?: readonly string[];
  /**
   * Inserted when no token of the sentence has a score (e.g. a sentence that is only a boundary).
   * @default '<s>'
   */
  fallback?: string;
}

/**
 * Inserts one token at the start of every sentence: a copy of the sentence's highest-scoring token (by
 * TF-IDF or MI), a "preview" of its most informative word. Boundary tokens are never inserted, so sentence
 * boundaries stay where they were and `invert` removes the first token of every sentence, whatever token a
 * model put there. For perplexity on the original text, mask {@link SentenceStart.insertedPositions}.
 */
export class SentenceStart implements ReversibleTransform<readonly string[], SentenceStartJSON> {
  /** Always `'sentence-start'`. */
  readonly kind = 'sentence-start';
  /** How inserted tokens are picked. */
  readonly scores: TokenScores;
  /** Sentence-ending tokens. */
  readonly boundaries: ReadonlySet<string>;
  /** Token inserted when no token of a sentence has a score. */
  readonly fallback: string;

  constructor(options: SentenceStartOptions) {
    this.boundaries = checkBoundaries(options.boundaries);
    this.scores = checkScores(options.scores, 'scores', invalidOption);
    const fallback = options.fallback ?? '<s>';
    if (typeof fallback !== 'string' || fallback === '' || this.boundaries.has(fallback)) {
      throw invalidOption(
        'fallback',
        `must be a non-empty token that is not a sentence boundary (got ${shown(fallback)})`,
      );
    }
    this.fallback = fallback;
  }

  /** The token inserted before a sentence. */
  pick(sentence: readonly string[]): string {
    const { weights, unseenWeight, termFrequency } = this.scores;
    const counts = new Map<string, number>();
    if (termFrequency) for (const token of sentence) counts.set(token, (counts.get(token) ?? 0) + 1);
    let best = this.fallback;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const token of sentence) {
      if (this.boundaries.has(token)) continue;
      const weight = weights.get(token) ?? unseenWeight;
      if (weight === null) continue;
      const score = termFrequency ? weight * (counts.get(token) as number) : weight;
      if (score > bestScore) {
        best = token;
        bestScore = score;
      }
    }
    return best;
  }

  /** Original tokens → tokens with one picked token before every sentence. */
  apply(tokens: readonly string[]): string[] {
    checkTokens(tokens, 'tokens', invalidInput);
    const out: string[] = [];
    for (const [start, end] of sentenceRanges(tokens, this.boundaries)) {
      const sentence = tokens.slice(start, end);
      out.push(this.pick(sentence), ...sentence);
    }
    return out;
  }

  /** Transformed tokens (or a model's output) → the tokens without the first token of each sentence. */
  invert(tokens: readonly string[]): string[] {
    const inserted = new Set(this.insertedPositions(tokens));
    return tokens.filter((_, i) => !inserted.has(i));
  }

  /**
   * Indices of the inserted tokens in a transformed sequence: the first token of every sentence. Throws
   * when a sentence starts with a boundary, which `apply` never produces.
   */
  insertedPositions(tokens: readonly string[]): number[] {
    checkTokens(tokens, 'tokens', invalidInput);
    return sentenceRanges(tokens, this.boundaries).map(([start]) => {
      if (this.boundaries.has(tokens[start] as string)) {
        throw invalidInput(
          `tokens[${start}]`,
          `is the sentence boundary ${shown(tokens[start])} where an inserted sentence-start token was expected`,
        );
      }
      return start;
    });
  }

  /** Plain data for {@link transformFromJSON}. */
  toJSON(): SentenceStartJSON {
    return {
      ...header('sentence-start'),
      boundaries: [...this.boundaries],
      fallback: this.fallback,
      selectedBy: this.scores.selectedBy,
      termFrequency: this.scores.termFrequency,
      unseenWeight: this.scores.unseenWeight,
      weights: [...this.scores.weights],
    };
  }

  /** Restores a transform from {@link SentenceStart.toJSON} output (object or JSON text); errors name the field. */
  static fromJSON(json: unknown): SentenceStart {
    const { object } = readTransformJson(json, 'sentence-start');
    const path = (field: string) => `${ROOT}.${field}`;
    return new SentenceStart({
      boundaries: [...checkBoundaries(object.boundaries, path('boundaries'), invalidJson)],
      fallback: readString(object.fallback, path('fallback')),
      scores: checkScores(
        {
          selectedBy: object.selectedBy,
          termFrequency: object.termFrequency,
          unseenWeight: object.unseenWeight,
          weights: readWeights(object.weights, path('weights')),
        },
        ROOT,
        invalidJson,
      ),
    });
  }
}

/** Reads `[token, weight]` pairs with distinct tokens. */
function readWeights(value: unknown, path: string): Map<string, number> {
  const weights = new Map<string, number>();
  readArray(value, path, (pair, at) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw invalidJson(at, `must be a [token, weight] pair (got ${shown(pair)})`);
    }
    const token = readString(pair[0], `${at}[0]`);
    if (weights.has(token)) throw invalidJson(`${at}[0]`, `repeats the token ${shown(token)}`);
    weights.set(token, readNumber(pair[1], `${at}[1]`));
  });
  return weights;
}

/** Validates token scores (as given in options, or read from JSON) and copies them. */
function checkScores(
  scores: unknown,
  field: string,
  fail: (field: string, message: string) => TargetReorderError,
): TokenScores {
  if (typeof scores !== 'object' || scores === null) {
    throw fail(field, 'must be token scores from tfidfScores or miTokenScores');
  }
  const { selectedBy, termFrequency, unseenWeight, weights } = scores as Record<string, unknown>;
  if (typeof selectedBy !== 'string')
    throw fail(`${field}.selectedBy`, `must be a string (got ${shown(selectedBy)})`);
  if (typeof termFrequency !== 'boolean') {
    throw fail(`${field}.termFrequency`, `must be true or false (got ${shown(termFrequency)})`);
  }
  const unseen = readNullable(unseenWeight, `${field}.unseenWeight`, (v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw fail(p, `must be a finite number or null (got ${shown(v)})`);
    return v;
  });
  if (!(weights instanceof Map)) throw fail(`${field}.weights`, 'must be a Map from token to weight');
  for (const [token, weight] of weights) {
    if (typeof token !== 'string' || typeof weight !== 'number' || !Number.isFinite(weight)) {
      throw fail(
        `${field}.weights`,
        `must map string tokens to finite numbers (got ${shown([token, weight])})`,
      );
    }
  }
  return { selectedBy, termFrequency, unseenWeight: unseen, weights: new Map(weights) };
}
