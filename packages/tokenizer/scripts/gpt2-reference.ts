// GPT-2's vocab.json, merges.txt and tokenizer.json, rebuilt from the GPT-2 ranks that js-tiktoken ships, so
// tests and benchmarks have the real GPT-2 vocabulary without downloading it.
//
// tiktoken stores only token bytes → rank (= GPT-2 id). The merge that made a token is recovered the way HF's
// tiktoken converter does it: run BPE on the token's bytes using only lower ranks; it stops at exactly two
// parts, and those are the merge. Merges are listed in rank order, which is GPT-2's merge order.
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { bytesToTokenString as spell } from '../src/pre-tokenize/byte-level.js';

/** The three GPT-2 files as text. */
export interface Gpt2Files {
  vocabJson: string;
  mergesTxt: string;
  tokenizerJson: string;
}

/** GPT-2's tokens as bytes, indexed by rank (= id), from js-tiktoken's compressed table. */
export function gpt2TokenBytes(): Uint8Array[] {
  const tokens: Uint8Array[] = [];
  for (const line of gpt2.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const [, offset, ...encoded] = line.split(' ');
    encoded.forEach((base64, i) => {
      tokens[Number(offset) + i] = new Uint8Array(Buffer.from(base64, 'base64'));
    });
  }
  return tokens;
}

/** Splits `bytes` by BPE with tokens of rank < `maxRank`; returns the parts. */
function bpeBelow(bytes: Uint8Array, ranks: Map<string, number>, maxRank: number): string[] {
  const parts = Array.from(bytes, (b) => String.fromCharCode(b));
  for (;;) {
    let best = maxRank;
    let at = -1;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = ranks.get((parts[i] as string) + parts[i + 1]);
      if (rank !== undefined && rank < best) {
        best = rank;
        at = i;
      }
    }
    if (at < 0) return parts;
    parts.splice(at, 2, (parts[at] as string) + parts[at + 1]);
  }
}

/** Builds GPT-2's vocab.json, merges.txt and a tokenizer.json laid out like the one GPT-2 publishes. */
export function gpt2Files(): Gpt2Files {
  const tokens = gpt2TokenBytes();
  // Keys are the token bytes as a Latin-1 string: one char per byte.
  const ranks = new Map(tokens.map((bytes, rank) => [String.fromCharCode(...bytes), rank]));
  const vocab: Record<string, number> = {};
  const merges: string[] = [];
  tokens.forEach((bytes, rank) => {
    vocab[spell(bytes)] = rank;
    if (bytes.length < 2) return;
    const parts = bpeBelow(bytes, ranks, rank);
    if (parts.length !== 2)
      throw new Error(`token ${rank} does not split into one merge: ${parts.length} parts`);
    const [left, right] = parts.map((p) => spell(Uint8Array.from(p, (c) => c.charCodeAt(0))));
    merges.push(`${left} ${right}`);
  });
  for (const [content, id] of Object.entries(gpt2.special_tokens)) vocab[content] = id;
  const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean) => ({
    type: 'ByteLevel',
    add_prefix_space: addPrefixSpace,
    trim_offsets: trimOffsets,
    use_regex: true,
  });
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(gpt2.special_tokens).map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  return {
    vocabJson: JSON.stringify(vocab),
    mergesTxt: `#version: 0.2\n${merges.join('\n')}\n`,
    tokenizerJson: JSON.stringify(tokenizerJson),
  };
}
