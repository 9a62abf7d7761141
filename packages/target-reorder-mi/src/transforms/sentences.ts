import { invalidOption, shown, type TargetReorderError } from '../errors.js';

/** Sentence-ending tokens used when none are given. */
export const DEFAULT_BOUNDARIES: readonly string[] = ['.', '!', '?'];

/**
 * Half-open token ranges `[start, end)` of the sentences of `tokens`: each sentence ends with (and includes)
 * a boundary token; tokens after the last boundary form a final sentence.
 */
export function sentenceRanges(
  tokens: readonly string[],
  boundaries: ReadonlySet<string>,
): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (boundaries.has(tokens[i] as string)) {
      ranges.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < tokens.length) ranges.push([start, tokens.length]);
  return ranges;
}

/** Checks a token sequence: an array of strings; `fail` builds the error naming `field[k]`. */
export function checkTokens(
  tokens: unknown,
  field: string,
  fail: (field: string, message: string) => TargetReorderError,
): readonly string[] {
  if (!Array.isArray(tokens)) throw fail(field, `must be an array of string tokens (got ${shown(tokens)})`);
  for (const [k, token] of tokens.entries()) {
    if (typeof token !== 'string')
      throw fail(`${field}[${k}]`, `must be a string token (got ${shown(token)})`);
  }
  return tokens;
}

/** Checks a boundary list (non-empty, strings, `'.', '!', '?'` by default) and returns it as a set. */
export function checkBoundaries(
  boundaries: unknown,
  field = 'boundaries',
  fail: (field: string, message: string) => TargetReorderError = invalidOption,
): ReadonlySet<string> {
  const list = checkTokens(boundaries ?? DEFAULT_BOUNDARIES, field, fail);
  if (list.length === 0) throw fail(field, 'must hold at least one sentence-ending token');
  return new Set(list);
}

/** The sentences of every sequence of a corpus, as token arrays (errors name `corpus[d][k]`). */
export function corpusSentences(corpus: unknown, boundaries: ReadonlySet<string>): string[][] {
  if (!Array.isArray(corpus)) throw invalidOption('corpus', 'must be an array of token arrays');
  return corpus.flatMap((document, d) => {
    const tokens = checkTokens(document, `corpus[${d}]`, invalidOption);
    return sentenceRanges(tokens, boundaries).map(([start, end]) => tokens.slice(start, end));
  });
}
