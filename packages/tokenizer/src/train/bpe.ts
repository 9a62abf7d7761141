import { invalidOption } from '../errors.js';
import { MinHeap } from '../heap.js';
import { ByteLevelBpe } from '../models/bpe.js';
import { integerAtLeast, tokenList } from '../options.js';
import { BYTE_TO_CHAR } from '../pre-tokenize/byte-level.js';
import { gpt2PieceEnd } from '../pre-tokenize/gpt2-split.js';
import { AddedTokens, DEFAULT_SPECIAL_TOKENS } from '../special-tokens.js';
import { Tokenizer } from '../tokenizer.js';
import { encodeWtf8 } from '../wtf8.js';
import type { TrainProgress } from './progress.js';

/** Options for {@link trainBpe}. */
export interface TrainBpeOptions {
  /**
   * Final vocabulary size: special tokens + the 256 byte tokens + learned merges. Training stops early when
   * no pair is frequent enough.
   */
  vocabSize: number;
  /** A pair must occur at least this often to be merged. @default 2 */
  minFrequency?: number;
  /** Special tokens, given ids 0, 1, … in this order; never split and never learned from. @default ['<pad>', '<bos>', '<eos>', '<unk>'] */
  specialTokens?: readonly string[];
  /** Called as training advances (see {@link TrainProgress}); use it for progress bars on long corpora. */
  onProgress?: (progress: TrainProgress) => void;
}

// The byte tokens in HF BpeTrainer's alphabet order: by code point of their byte-level character.
const BYTE_ALPHABET = [...BYTE_TO_CHAR].sort((x, y) => x.charCodeAt(0) - y.charCodeAt(0));

// Pair keys pack (left, right) as left * 2^21 + right, an exact double for ids below 2^21.
const ID_LIMIT = 2 ** 21;

/**
 * Learns a GPT-2-style byte-level BPE from `corpus` (one string, or any iterable of strings such as lines or
 * documents). Words are counted once; each merge then touches only the words that contain the merged pair and
 * updates pair counts incrementally, so training time grows with the number of distinct words, not the corpus
 * size times the number of merges.
 *
 * The result is Hugging Face's `BpeTrainer` result (ByteLevel pre-tokenizer, the 256 bytes as initial
 * alphabet): the same merges in the same order and the same ids, checked against fixtures written by HF's
 * trainer. Special tokens come first; the byte tokens follow in order of their byte-level character's code
 * point (a special token that is also a byte's character keeps its id for that byte); ties between equally
 * frequent pairs go to the smallest (left id, right id); a merge spelled like a special token yields the
 * special token's id. One deliberate difference: text of the special tokens in the corpus is cut out before
 * counting (HF's trainer counts it as ordinary text), so `<eos>` separators never teach merges like `<` + `eos`.
 */
export function trainBpe(corpus: string | Iterable<string>, options: TrainBpeOptions): Tokenizer {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object.');
  const specials = tokenList('specialTokens', options.specialTokens, DEFAULT_SPECIAL_TOKENS);
  const vocabSize = integerAtLeast('vocabSize', options.vocabSize, specials.length + 256);
  if (vocabSize > ID_LIMIT) throw invalidOption('vocabSize', `got ${vocabSize}, the maximum is ${ID_LIMIT}.`);
  const minFrequency = integerAtLeast('minFrequency', options.minFrequency, 1, 2);
  const report = options.onProgress ?? (() => {});
  if (typeof report !== 'function') throw invalidOption('onProgress', 'expected a function.');

  const wordCounts = countWords(
    corpus,
    new AddedTokens(specials.map((content, id) => ({ id, content, special: true }))),
    report,
  );

  // Vocabulary: specials, then the byte tokens, then one token per merge. The bytes are numbered as HF's
  // BpeTrainer numbers its alphabet, by the code point of their byte-level character (printable bytes first),
  // and a byte whose character is also a special token keeps the special token's id.
  const tokens: string[] = [...specials];
  const vocab = new Map<string, number>(tokens.map((token, id) => [token, id]));
  for (const char of BYTE_ALPHABET) {
    if (vocab.has(char)) continue;
    vocab.set(char, tokens.length);
    tokens.push(char);
  }
  const byteIds = BYTE_TO_CHAR.map((char) => vocab.get(char) as number);

  // Each distinct word as its symbol ids, with its count.
  const words: Int32Array[] = [];
  const lengths: number[] = [];
  const counts: number[] = [];
  let longest = 1;
  for (const word of wordCounts.keys()) longest = Math.max(longest, word.length);
  const bytes = new Uint8Array(3 * longest);
  for (const [word, count] of wordCounts) {
    const n = encodeWtf8(word, bytes);
    const symbols = new Int32Array(n);
    for (let i = 0; i < n; i++) symbols[i] = byteIds[bytes[i] as number] as number;
    words.push(symbols);
    lengths.push(n);
    counts.push(count);
  }

  const pairs = new PairTable();
  for (let w = 0; w < words.length; w++) {
    const symbols = words[w] as Int32Array;
    for (let i = 0; i + 1 < (lengths[w] as number); i++) {
      pairs.add(symbols[i] as number, symbols[i + 1] as number, counts[w] as number, w);
    }
  }
  // Most frequent first, ties to the smallest (left id, right id) as in HF's trainer.
  const heap = new MinHeap();
  const push = (p: number) => heap.push(-(pairs.count[p] as number), pairs.key(p));
  for (let p = 0; p < pairs.size; p++) push(p);

  const totalMerges = vocabSize - tokens.length;
  const merges: Array<[string, string]> = [];
  const visited = new Int32Array(words.length).fill(-1);
  const reportEvery = Math.max(1, Math.floor(totalMerges / 100));
  while (vocab.size < vocabSize && heap.size > 0) {
    const count = -heap.topPrimary;
    const p = pairs.indexOf(heap.topSecondary);
    heap.pop();
    const current = pairs.count[p] as number;
    // Counts only fall after a pair is pushed (new pairs are pushed once complete), so a stale entry is re-queued
    // with its true count.
    if (current !== count) {
      if (current > 0) push(p);
      continue;
    }
    if (count < minFrequency) break;
    const a = pairs.left[p] as number;
    const b = pairs.right[p] as number;
    const merged = (tokens[a] as string) + (tokens[b] as string);
    // A merge spelled like a special token produces that token, as in HF's trainer: one text, one id.
    let c = vocab.get(merged);
    if (c === undefined) {
      c = tokens.length;
      tokens.push(merged);
      vocab.set(merged, c);
    }
    merges.push([tokens[a] as string, tokens[b] as string]);

    const grown = new Set<number>();
    const change = (x: number, y: number, delta: number, w: number) => {
      const q = pairs.add(x, y, delta, delta > 0 ? w : -1);
      if (delta > 0) grown.add(q);
    };
    for (const w of pairs.takeWords(p)) {
      if (visited[w] === merges.length) continue;
      visited[w] = merges.length;
      const symbols = words[w] as Int32Array;
      const n = lengths[w] as number;
      const wordCount = counts[w] as number;
      // Rewrite in place left to right; the left neighbour is read from the rewritten part, so runs like
      // "a b a b" count (c, c) correctly.
      let write = 0;
      for (let read = 0; read < n; ) {
        if (read + 1 < n && symbols[read] === a && symbols[read + 1] === b) {
          if (write > 0) {
            const left = symbols[write - 1] as number;
            change(left, a, -wordCount, w);
            change(left, c, wordCount, w);
          }
          if (read + 2 < n) {
            const right = symbols[read + 2] as number;
            change(b, right, -wordCount, w);
            change(c, right, wordCount, w);
          }
          change(a, b, -wordCount, w);
          symbols[write++] = c;
          read += 2;
        } else symbols[write++] = symbols[read++] as number;
      }
      lengths[w] = write;
    }
    for (const q of grown) if ((pairs.count[q] as number) > 0) push(q);
    if (merges.length % reportEvery === 0) report({ phase: 'merge', merges: merges.length, totalMerges });
  }
  if (merges.length % reportEvery !== 0 || merges.length === 0) {
    report({ phase: 'merge', merges: merges.length, totalMerges });
  }

  const model = new ByteLevelBpe(vocab, merges, { file: 'trainBpe', mergesField: 'merges' });
  return new Tokenizer(
    model,
    specials.map((content, id) => ({ id, content, special: true })),
  );
}

/** Pre-tokenizes the corpus (special tokens removed) and counts each distinct piece. */
function countWords(
  corpus: string | Iterable<string>,
  specials: AddedTokens,
  report: (progress: TrainProgress) => void,
): Map<string, number> {
  const texts = typeof corpus === 'string' ? [corpus] : corpus;
  if (texts === null || typeof (texts as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw invalidOption('corpus', 'expected a string or an iterable of strings.');
  }
  const counts = new Map<string, number>();
  const countPieces = (text: string) => {
    for (let start = 0; start < text.length; ) {
      const end = gpt2PieceEnd(text, start);
      const piece = text.slice(start, end);
      counts.set(piece, (counts.get(piece) ?? 0) + 1);
      start = end;
    }
  };
  let characters = 0;
  let nextReport = 1_000_000;
  let index = 0;
  for (const text of texts) {
    if (typeof text !== 'string')
      throw invalidOption(`corpus[${index}]`, `expected a string, got ${typeof text}.`);
    specials.split(text, countPieces, () => {});
    characters += text.length;
    index++;
    if (characters >= nextReport) {
      report({ phase: 'count', characters });
      nextReport = characters + 1_000_000;
    }
  }
  report({ phase: 'count', characters });
  return counts;
}

/** Pair statistics: count per distinct pair, and the words it was seen in (may hold stale or repeated entries). */
class PairTable {
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly count: number[] = [];
  private readonly words: number[][] = [];
  private readonly index = new Map<number, number>();

  get size(): number {
    return this.count.length;
  }

  /** The index of the pair with packed key `key`; the pair must exist. */
  indexOf(key: number): number {
    return this.index.get(key) as number;
  }

  /** The packed (left, right) key of pair p; orders pairs by left id, then right id. */
  key(p: number): number {
    return (this.left[p] as number) * ID_LIMIT + (this.right[p] as number);
  }

  /** Adds `delta` to the count of (x, y), recording word `w` when w ≥ 0; returns the pair's index. */
  add(x: number, y: number, delta: number, w: number): number {
    const key = x * ID_LIMIT + y;
    let p = this.index.get(key);
    if (p === undefined) {
      p = this.count.length;
      this.index.set(key, p);
      this.left.push(x);
      this.right.push(y);
      this.count.push(0);
      this.words.push([]);
    }
    this.count[p] = (this.count[p] as number) + delta;
    if (w >= 0) {
      const list = this.words[p] as number[];
      if (list[list.length - 1] !== w) list.push(w);
    }
    return p;
  }

  /** The words recorded for pair p, forgetting them (the pair is being merged away). */
  takeWords(p: number): number[] {
    const list = this.words[p] as number[];
    this.words[p] = [];
    return list;
  }
}
