// Hugging Face `tokenizer.json`: the pipeline as one JSON document, each stage tagged by `type`
// (tokenizers/src/tokenizer/serialization.rs). We read and write the subset that describes our two pipelines:
// - byte-level BPE: ByteLevel pre-tokenizer + BPE model + ByteLevel decoder (GPT-2's layout);
// - char-level: no pre-tokenizer + BPE with no merges (every character is its own token) + Fuse decoder.
import { describeValue, parseUntrustedJson } from '@beyond-ntp/errors';
import { TokenizerError } from '../errors.js';
import { ByteLevelBpe } from '../models/bpe.js';
import { CharModel } from '../models/char.js';
import type { AddedToken } from '../special-tokens.js';
import { Tokenizer } from '../tokenizer.js';

/** The Fuse decoder: concatenates tokens (char-level). */
export interface HfFuse {
  /** Stage tag. */
  type: 'Fuse';
}

/** The ByteLevel pre-tokenizer / post-processor / decoder entry. */
export interface HfByteLevel {
  /** Stage tag. */
  type: 'ByteLevel';
  /** Prepend a space to text that does not start with one (read: must be false for the pre-tokenizer). */
  add_prefix_space: boolean;
  /** Post-processing of offsets only; ids do not depend on it. */
  trim_offsets: boolean;
  /** Split with GPT-2's pattern (read: must be true). */
  use_regex: boolean;
}

/** One entry of `added_tokens`. */
export interface HfAddedToken {
  /** Token id. */
  id: number;
  /** Exact text of the token. */
  content: string;
  /** Match only as a whole word (read: must be false). */
  single_word: boolean;
  /** Swallow whitespace on the left (read: must be false). */
  lstrip: boolean;
  /** Swallow whitespace on the right (read: must be false). */
  rstrip: boolean;
  /** Match after normalization; there is no normalizer here, so it has no effect. */
  normalized: boolean;
  /** Control token, dropped by `skipSpecialTokens`. */
  special: boolean;
}

/** The `model` entry (BPE). Merges are written as `"left right"` strings, the form every version reads. */
export interface HfBpeModel {
  /** Model tag. */
  type: 'BPE';
  /** BPE dropout (not supported: null). */
  dropout: null;
  /** Token for unknown characters (char-level with `unknown: 'unk'`), else null. */
  unk_token: string | null;
  /** WordPiece-style prefix (not supported: null). */
  continuing_subword_prefix: null;
  /** Suffix marking word ends (not supported: null). */
  end_of_word_suffix: null;
  /** Merge runs of unknown characters into one `<unk>` (not supported: false). */
  fuse_unk: boolean;
  /** SentencePiece byte fallback (not supported: false). */
  byte_fallback: boolean;
  /** Look whole words up before merging (not supported: false). */
  ignore_merges: boolean;
  /** Token → id, tokens in GPT-2's byte spelling for byte-level BPE. */
  vocab: Record<string, number>;
  /** Merges in rank order. */
  merges: string[];
}

/** A `tokenizer.json` document as this package writes it. */
export interface HfTokenizerJson {
  /** Format version. */
  version: '1.0';
  /** Runtime truncation settings (unused: null). */
  truncation: null;
  /** Runtime padding settings (unused: null). */
  padding: null;
  /** Special tokens, matched before the model runs. */
  added_tokens: HfAddedToken[];
  /** Text normalizer (none). */
  normalizer: null;
  /** ByteLevel for byte-level BPE, null for char-level. */
  pre_tokenizer: HfByteLevel | null;
  /** ByteLevel for byte-level BPE (offsets only), null for char-level. */
  post_processor: HfByteLevel | null;
  /** ByteLevel for byte-level BPE, Fuse (concatenate) for char-level. */
  decoder: HfByteLevel | HfFuse | null;
  /** The BPE model. */
  model: HfBpeModel;
}

/** Options for {@link fromHfJson}. */
export interface FromHfJsonOptions {
  /** Name used in error messages. @default 'tokenizer.json' */
  file?: string;
}

const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean): HfByteLevel => ({
  type: 'ByteLevel',
  add_prefix_space: addPrefixSpace,
  trim_offsets: trimOffsets,
  use_regex: true,
});

/** The tokenizer as a `tokenizer.json` document (serialize with `JSON.stringify`). */
export function toHfJson(tokenizer: Tokenizer): HfTokenizerJson {
  const { model } = tokenizer;
  const vocab: Record<string, number> = {};
  for (const [token, id] of [...model.vocab].sort((x, y) => x[1] - y[1])) vocab[token] = id;
  const added_tokens = tokenizer.added.list().map(({ id, content, special }) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special,
  }));
  const bpe = model.type === 'byte-bpe';
  const unkToken =
    model.type === 'char' && model.unkId !== undefined ? tokenizer.idToToken(model.unkId) : undefined;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens,
    normalizer: null,
    // GPT-2's settings. The post-processor only adjusts offsets; ids are the same without it.
    pre_tokenizer: bpe ? byteLevel(false, true) : null,
    post_processor: bpe ? byteLevel(true, false) : null,
    decoder: bpe ? byteLevel(true, true) : { type: 'Fuse' },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unkToken ?? null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: model.type === 'byte-bpe' ? model.merges.map(([left, right]) => `${left} ${right}`) : [],
    },
  };
}

type Json = Record<string, unknown>;

/** Reads a `tokenizer.json` document (text or parsed object). Errors name the file and the field at fault. */
export function fromHfJson(json: string | object, options: FromHfJsonOptions = {}): Tokenizer {
  const file = options.file ?? 'tokenizer.json';
  const fail = (field: string, problem: string) =>
    new TokenizerError('MALFORMED_FILE', `${file}: \`${field}\` ${problem}`, { file, field });
  const unsupported = (field: string, problem: string) =>
    new TokenizerError('UNSUPPORTED', `${file}: \`${field}\` ${problem}`, { file, field });

  const root = typeof json === 'string' ? parseFile(json, file) : json;
  if (!isObject(root))
    throw new TokenizerError('MALFORMED_FILE', `${file}: expected a JSON object.`, { file });
  const model = root.model;
  if (!isObject(model)) throw fail('model', 'is missing or not an object.');
  if (model.type !== 'BPE')
    throw unsupported('model.type', `is ${describeValue(model.type)}; only "BPE" models load here.`);
  for (const field of ['dropout', 'continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[field] !== undefined && model[field] !== null && model[field] !== '') {
      throw unsupported(`model.${field}`, `is ${describeValue(model[field])}; only null is supported.`);
    }
  }
  for (const field of ['byte_fallback', 'ignore_merges', 'fuse_unk'] as const) {
    if (model[field] === true) throw unsupported(`model.${field}`, 'is true; only false is supported.');
  }
  if (root.normalizer !== undefined && root.normalizer !== null) {
    throw unsupported(
      'normalizer',
      `has type ${describeValue((root.normalizer as Json).type)}; only null is supported.`,
    );
  }

  const vocab = readVocab(model.vocab, 'model.vocab', fail);
  const merges = readMerges(model.merges, fail);
  const added = readAddedTokens(root.added_tokens, vocab, fail, unsupported);

  const pre = root.pre_tokenizer ?? null;
  const decoder = root.decoder ?? null;
  if (pre !== null) {
    checkByteLevel(pre, 'pre_tokenizer', true, unsupported);
    checkByteLevel(decoder, 'decoder', false, unsupported);
    if (root.post_processor !== undefined && root.post_processor !== null) {
      checkByteLevel(root.post_processor, 'post_processor', false, unsupported);
    }
    const bpe = new ByteLevelBpe(vocab, merges, { file, mergesField: 'model.merges' });
    return new Tokenizer(bpe, added);
  }

  // No pre-tokenizer: our char-level layout.
  if (merges.length > 0) {
    throw unsupported(
      'pre_tokenizer',
      'is null with merges present; BPE loads only with the ByteLevel pre-tokenizer.',
    );
  }
  if (!isObject(decoder) || decoder.type !== 'Fuse') {
    throw unsupported(
      'decoder',
      'must be {"type": "Fuse"} for a char-level tokenizer (no pre-tokenizer, no merges).',
    );
  }
  if (root.post_processor !== undefined && root.post_processor !== null) {
    throw unsupported('post_processor', 'must be null for a char-level tokenizer.');
  }
  let unkId: number | undefined;
  if (model.unk_token !== undefined && model.unk_token !== null) {
    unkId = typeof model.unk_token === 'string' ? vocab.get(model.unk_token) : undefined;
    if (unkId === undefined)
      throw fail('model.unk_token', `is ${describeValue(model.unk_token)}, which is not in model.vocab.`);
  }
  return new Tokenizer(new CharModel(vocab, unkId), added);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Fail = (field: string, problem: string) => TokenizerError;

/**
 * The largest token id a file may use. Real vocabularies stay below 2^18; the bound keeps id arithmetic (the
 * merge table packs two ids into one number) exact and arrays indexed by id reasonable.
 */
export const MAX_TOKEN_ID = 2 ** 24 - 1;

/** Largest tokenizer file read (GPT-2's tokenizer.json is 1.4 MB; the largest public ones are tens of MB). */
export const MAX_TOKENIZER_FILE_BYTES = 512 * 2 ** 20;

/** Parses a tokenizer file's JSON text with bounded nesting; errors name the file. */
export function parseFile(text: string, file: string): unknown {
  const parsed = parseUntrustedJson(text);
  if (!parsed.ok) throw new TokenizerError('MALFORMED_FILE', `${file}: ${parsed.problem}`, { file });
  return parsed.value;
}

/** True for a token id this package accepts: an integer in 0..{@link MAX_TOKEN_ID}. */
const isTokenId = (id: unknown): id is number =>
  Number.isInteger(id) && (id as number) >= 0 && (id as number) <= MAX_TOKEN_ID;

/** Token → id, every id a distinct integer in 0..MAX_TOKEN_ID. Shared with vocab.json, which has the same shape. */
export function readVocab(value: unknown, field: string, fail: Fail): Map<string, number> {
  if (!isObject(value)) throw fail(field, 'is missing or not an object of token → id.');
  const vocab = new Map<string, number>();
  // Which token holds each id, to name both sides of a clash; an array indexed by id is linear to fill.
  const holders: string[] = [];
  // Object.keys + indexed reads: for a JSON object of a million keys, Object.entries is several times slower.
  const tokens = Object.keys(value);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const id = value[token];
    if (!isTokenId(id)) {
      throw fail(
        `${field}[${describeValue(token)}]`,
        `is ${describeValue(id)}; ids must be integers in 0..${MAX_TOKEN_ID}.`,
      );
    }
    const other = holders[id];
    if (other !== undefined) {
      throw fail(`${field}[${describeValue(token)}]`, `reuses id ${id} of ${describeValue(other)}.`);
    }
    holders[id] = token;
    vocab.set(token, id);
  }
  return vocab;
}

function readMerges(value: unknown, fail: Fail): Array<[string, string]> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw fail('model.merges', 'is not an array.');
  return value.map((merge: unknown, i) => {
    // Older files write "left right"; tokenizers ≥ 0.20 writes ["left", "right"].
    const parts = typeof merge === 'string' ? merge.split(' ') : merge;
    if (!Array.isArray(parts) || parts.length !== 2 || parts.some((p) => typeof p !== 'string' || p === '')) {
      throw fail(
        `model.merges[${i}]`,
        `is ${describeValue(merge)}; expected "left right" or ["left", "right"].`,
      );
    }
    return [parts[0], parts[1]] as [string, string];
  });
}

function readAddedTokens(
  value: unknown,
  vocab: Map<string, number>,
  fail: Fail,
  unsupported: Fail,
): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail('added_tokens', 'is not an array.');
  // id → vocabulary token, built once and only if an added token is missing from the vocabulary.
  let reverse: string[] | undefined;
  const vocabTokenOf = (id: number) => {
    if (reverse === undefined) {
      reverse = [];
      for (const [token, tokenId] of vocab) reverse[tokenId] = token;
    }
    return reverse[id];
  };
  const byId = new Map<number, string>();
  const byContent = new Map<string, number>();
  return value.map((entry: unknown, i) => {
    const field = `added_tokens[${i}]`;
    if (!isObject(entry)) throw fail(field, 'is not an object.');
    const { id, content } = entry;
    if (!isTokenId(id))
      throw fail(`${field}.id`, `is ${describeValue(id)}; ids must be integers in 0..${MAX_TOKEN_ID}.`);
    if (typeof content !== 'string' || content === '')
      throw fail(`${field}.content`, `is ${describeValue(content)}; expected a non-empty string.`);
    // Two tokens on one id would decode one as the other; one text on two ids would encode ambiguously.
    const sameId = byId.get(id);
    if (sameId !== undefined)
      throw fail(`${field}.id`, `is ${id}, already the id of added token ${describeValue(sameId)}.`);
    const sameContent = byContent.get(content);
    if (sameContent !== undefined) {
      throw fail(`${field}.content`, `is ${describeValue(content)}, already added with id ${sameContent}.`);
    }
    byId.set(id, content);
    byContent.set(content, id);
    for (const flag of ['single_word', 'lstrip', 'rstrip'] as const) {
      if (entry[flag] === true) throw unsupported(`${field}.${flag}`, 'is true; only false is supported.');
    }
    const inVocab = vocab.get(content);
    if (inVocab !== undefined && inVocab !== id) {
      throw fail(`${field}.id`, `is ${id} but model.vocab gives ${describeValue(content)} id ${inVocab}.`);
    }
    const holder = inVocab === undefined ? vocabTokenOf(id) : content;
    if (holder !== undefined && holder !== content) {
      throw fail(`${field}.id`, `is ${id}, which model.vocab gives to ${describeValue(holder)}.`);
    }
    return { id, content, special: entry.special !== false };
  });
}

function checkByteLevel(value: unknown, field: string, isPreTokenizer: boolean, unsupported: Fail): void {
  if (!isObject(value) || value.type !== 'ByteLevel') {
    throw unsupported(
      `${field}.type`,
      `is ${describeValue(isObject(value) ? value.type : value)}; expected "ByteLevel".`,
    );
  }
  // Only the pre-tokenizer's settings change ids; the decoder's and post-processor's do not.
  if (isPreTokenizer && value.use_regex === false)
    throw unsupported(`${field}.use_regex`, 'is false; only the GPT-2 split is supported.');
  if (isPreTokenizer && value.add_prefix_space === true) {
    throw unsupported(
      `${field}.add_prefix_space`,
      'is true; only false is supported (prepend the space yourself).',
    );
  }
}
