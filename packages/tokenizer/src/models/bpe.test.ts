import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTE_TO_CHAR } from '../pre-tokenize/byte-level.js';
import { fromGpt2Files } from '../serialize/gpt2-files.js';
import { ByteLevelBpe } from './bpe.js';

// A hand-checked table: byte tokens have id = byte value, merges follow from 256 in this order.
const MERGES = ['l o', 'lo w', 'e r', 'Ġ low', 'Ġlow er', 'a a'];
function handTable() {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((char, byte) => {
    vocab[char] = byte;
  });
  MERGES.forEach((merge, i) => {
    vocab[merge.replace(' ', '')] = 256 + i;
  });
  vocab['<|endoftext|>'] = 256 + MERGES.length;
  return fromGpt2Files({ vocab: JSON.stringify(vocab), merges: `#version: 0.2\n${MERGES.join('\n')}\n` });
}

describe('byte-level BPE on a hand-checked merges table', () => {
  const tokenizer = handTable();
  // ids: lo 256, low 257, er 258, Ġlow 259, Ġlower 260, aa 261, <|endoftext|> 262.
  it.each([
    ['low', [257]], // l o w → lo w → low
    ['lower', [257, 258]], // lo (rank 0) → low (1) → er (2); "low er" is no merge
    [' lower', [260]], // Ġ l o w e r → Ġ low er → Ġlow er (3) → Ġlower (4)
    ['aaa', [261, 97]], // equal ranks merge leftmost first
    ['aaaa', [261, 261]],
    ['lowlow', [257, 257]],
    [' low, lower', [259, 44, 260]], // pieces " low" "," " lower"
    ['ol', [111, 108]], // no merge for (o, l)
    ['low<|endoftext|>low', [257, 262, 257]],
    ['\n', [10]],
  ])('%j → %j', (text, ids) => {
    expect(tokenizer.encode(text)).toEqual(ids);
    expect(tokenizer.decode(ids)).toBe(text);
  });
});

// GPT-2's encoder.py, line by line: merge every occurrence of the lowest-ranked pair, repeat.
function referenceBpe(word: string[], ranks: Map<string, number>): string[] {
  let parts = word;
  for (;;) {
    let best: [string, string] | undefined;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = [parts[i] as string, parts[i + 1] as string];
      }
    }
    if (best === undefined) return parts;
    const next: string[] = [];
    for (let i = 0; i < parts.length; ) {
      if (parts[i] === best[0] && parts[i + 1] === best[1]) {
        next.push(best[0] + best[1]);
        i += 2;
      } else next.push(parts[i++] as string);
    }
    parts = next;
  }
}

describe('merge loop', () => {
  // Random merge tables built the way training builds them: each merge joins two existing tokens.
  const table = fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 40 }).map((picks) => {
    const tokens = ['a', 'b', 'c'];
    const merges: Array<[string, string]> = [];
    for (const [x, y] of picks) {
      const left = tokens[x % tokens.length] as string;
      const right = tokens[y % tokens.length] as string;
      if (tokens.includes(left + right)) continue;
      tokens.push(left + right);
      merges.push([left, right]);
    }
    return merges;
  });
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 200 });

  it('equals GPT-2 encoder.py for any merge table and word (property)', () => {
    fc.assert(
      fc.property(table, word, (merges, text) => {
        const vocab = new Map<string, number>(BYTE_TO_CHAR.map((char, byte) => [char, byte]));
        for (const [left, right] of merges) vocab.set(left + right, vocab.size);
        const model = new ByteLevelBpe(vocab, merges, { file: 'test' });
        const ids: number[] = [];
        model.encode(text, ids);
        const ranks = new Map(merges.map(([l, r], i) => [`${l} ${r}`, i]));
        expect(ids).toEqual(referenceBpe([...text], ranks).map((t) => vocab.get(t)));
      }),
      { numRuns: 300 },
    );
  });
});
