import { TokenizerError } from '../errors.js';
import { MinHeap } from '../heap.js';
import { BYTE_TO_CHAR, tokenStringToBytesInto } from '../pre-tokenize/byte-level.js';
import { gpt2PieceEnd } from '../pre-tokenize/gpt2-split.js';
import { decodeWtf8, encodeWtf8 } from '../wtf8.js';
import type { TokenModel } from './model.js';

/** Where the vocabulary and merges came from, so inconsistencies are reported against the right file. */
export interface BpeSource {
  /** File or source label used in error messages. */
  file: string;
  /** 1-based line of merge number `index` in `file`, when the file has lines (merges.txt). */
  mergeLine?: (index: number) => number;
  /** Field path of the merges in `file`, e.g. `model.merges`. */
  mergesField?: string;
}

// Pieces seen once are rarely worth keeping; long ones would hold memory. These bounds keep the cache at a
// few MB while catching the words that make up most of natural text.
const CACHE_ENTRIES = 100_000;
const CACHE_PIECE_LENGTH = 64;

/**
 * GPT-2 byte-level BPE: split text with GPT-2's pattern, spell each piece as its WTF-8 bytes, then apply
 * merges lowest rank first (leftmost first among equal ranks), as HF tokenizers and GPT-2's `encoder.py` do.
 */
export class ByteLevelBpe implements TokenModel {
  readonly type = 'byte-bpe';
  readonly vocab: ReadonlyMap<string, number>;
  /** Merges in rank order, as token-string pairs. */
  readonly merges: ReadonlyArray<readonly [string, string]>;
  // Every token's bytes in one buffer, token `id` at tokenBytes[tokenStart[id] ..][.. tokenLength[id]] (start -1:
  // no such id). One allocation instead of a typed array per token, which dominated loading huge vocabularies.
  private readonly tokenBytes: Uint8Array;
  private readonly tokenStart: Int32Array;
  private readonly tokenLength: Int32Array;
  private readonly byteIds = new Int32Array(256);
  // (left id, right id) → rank. Keyed by `left * stride + right`, one Map lookup per candidate pair.
  private readonly ranks = new Map<number, number>();
  private readonly stride: number;
  private readonly mergedIds: Int32Array;
  private readonly cache = new Map<string, readonly number[]>();
  private readonly heap = new MinHeap();
  // Scratch buffers reused across pieces: bytes, symbol ids, and the linked list over symbol positions.
  private bytes = new Uint8Array(1024);
  private symbols = new Int32Array(256);
  private next = new Int32Array(256);
  private prev = new Int32Array(256);

  constructor(
    vocab: ReadonlyMap<string, number>,
    merges: ReadonlyArray<readonly [string, string]>,
    source: BpeSource,
  ) {
    this.vocab = vocab;
    this.merges = merges;
    let maxId = -1;
    let totalChars = 0;
    let longest = 0;
    for (const [token, id] of vocab) {
      if (id > maxId) maxId = id;
      totalChars += token.length;
      if (token.length > longest) longest = token.length;
    }
    this.stride = maxId + 1;
    const starts = new Int32Array(maxId + 1).fill(-1);
    const lengths = new Int32Array(maxId + 1);
    // A byte-level character is one byte; any other character (special tokens stored in the vocab decode as their
    // UTF-8, as in HF's ByteLevel decoder) is at most 3 bytes per UTF-16 unit.
    let buffer = new Uint8Array(totalChars);
    let used = 0;
    const scratch = new Uint8Array(3 * longest);
    for (const [token, id] of vocab) {
      starts[id] = used;
      let n = tokenStringToBytesInto(token, scratch);
      if (n < 0) n = encodeWtf8(token, scratch);
      if (used + n > buffer.length) {
        const grown = new Uint8Array(Math.max(2 * buffer.length, used + n));
        grown.set(buffer);
        buffer = grown;
      }
      buffer.set(scratch.subarray(0, n), used);
      used += n;
      lengths[id] = n;
    }
    this.tokenBytes = buffer;
    this.tokenStart = starts;
    this.tokenLength = lengths;
    for (let byte = 0; byte < 256; byte++) {
      const id = vocab.get(BYTE_TO_CHAR[byte] as string);
      if (id === undefined) {
        throw new TokenizerError(
          'UNSUPPORTED',
          `${source.file}: the vocabulary has no token for byte 0x${byte.toString(16).padStart(2, '0')} ` +
            `("${BYTE_TO_CHAR[byte]}"); byte-level BPE needs all 256 byte tokens so that any text can be encoded.`,
          { file: source.file },
        );
      }
      this.byteIds[byte] = id;
    }
    this.mergedIds = new Int32Array(merges.length);
    merges.forEach(([left, right], rank) => {
      const a = vocab.get(left);
      const b = vocab.get(right);
      const c = vocab.get(left + right);
      if (a === undefined || b === undefined || c === undefined) {
        const missing = a === undefined ? left : b === undefined ? right : left + right;
        throw unknownMergeToken(source, rank, `${left} ${right}`, missing);
      }
      const key = a * this.stride + b;
      // A repeated merge never fires at its later rank; keep the first, as HF does.
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
      this.mergedIds[rank] = c;
    });
  }

  encode(text: string, out: number[]): void {
    for (let start = 0; start < text.length; ) {
      const end = gpt2PieceEnd(text, start);
      const piece = text.slice(start, end);
      start = end;
      let ids = this.cache.get(piece);
      if (ids === undefined) {
        ids = this.encodePiece(piece);
        if (this.cache.size < CACHE_ENTRIES && piece.length <= CACHE_PIECE_LENGTH) this.cache.set(piece, ids);
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i] as number);
    }
  }

  decode(ids: readonly number[]): string {
    let length = 0;
    for (const id of ids) if ((this.tokenStart[id] ?? -1) >= 0) length += this.tokenLength[id] as number;
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const id of ids) {
      const start = this.tokenStart[id] ?? -1;
      if (start < 0) continue;
      const n = this.tokenLength[id] as number;
      bytes.set(this.tokenBytes.subarray(start, start + n), offset);
      offset += n;
    }
    return decodeWtf8(bytes);
  }

  /**
   * BPE on one pre-token. Symbols live in a linked list over the byte positions; a heap holds candidate pairs
   * keyed by (rank, position), so the lowest rank pops first and the leftmost among equal ranks. Entries
   * made stale by earlier merges are skipped when popped. O(n log n) even for very long pieces.
   */
  private encodePiece(piece: string): number[] {
    if (this.bytes.length < 3 * piece.length) this.bytes = new Uint8Array(6 * piece.length);
    const n = encodeWtf8(piece, this.bytes);
    if (n === 1) return [this.byteIds[this.bytes[0] as number] as number];
    if (this.symbols.length < n) {
      this.symbols = new Int32Array(2 * n);
      this.next = new Int32Array(2 * n);
      this.prev = new Int32Array(2 * n);
    }
    const { symbols, next, prev } = this;
    for (let i = 0; i < n; i++) symbols[i] = this.byteIds[this.bytes[i] as number] as number;
    const heap = this.heap;
    heap.clear();
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      if (i + 1 < n) this.pushPair(symbols, i, i + 1);
    }
    while (heap.size > 0) {
      const rank = heap.topPrimary;
      const i = heap.topSecondary;
      heap.pop();
      const j = next[i] as number;
      // Stale when i was merged away, or the pair at i changed since this entry was pushed.
      if (symbols[i] === -1 || j === -1) continue;
      if (this.ranks.get((symbols[i] as number) * this.stride + (symbols[j] as number)) !== rank) continue;
      symbols[i] = this.mergedIds[rank] as number;
      symbols[j] = -1;
      const after = next[j] as number;
      next[i] = after;
      if (after !== -1) {
        prev[after] = i;
        this.pushPair(symbols, i, after);
      }
      const before = prev[i] as number;
      if (before !== -1) this.pushPair(symbols, before, i);
    }
    const ids: number[] = [];
    for (let i = 0; i !== -1; i = next[i] as number) ids.push(symbols[i] as number);
    return ids;
  }

  private pushPair(symbols: Int32Array, i: number, j: number): void {
    const rank = this.ranks.get((symbols[i] as number) * this.stride + (symbols[j] as number));
    if (rank !== undefined) this.heap.push(rank, i);
  }
}

function unknownMergeToken(source: BpeSource, rank: number, merge: string, token: string): TokenizerError {
  const line = source.mergeLine?.(rank);
  const where = line === undefined ? `${source.mergesField}[${rank}]` : `line ${line}`;
  return new TokenizerError(
    'MALFORMED_FILE',
    `${source.file}: merge "${merge}" at ${where} uses "${token}", which is not in the vocabulary.`,
    line === undefined ? { file: source.file, field: source.mergesField } : { file: source.file, line },
  );
}
