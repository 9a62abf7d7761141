// GPT-2's original files: vocab.json (token → id, byte-level spelling) and merges.txt (one "left right" merge
// per line, after an optional "#version" header).
import { describeValue } from '@beyond-ntp/errors';
import { invalidOption, TokenizerError } from '../errors.js';
import { ByteLevelBpe } from '../models/bpe.js';
import { optionsObject, tokenList } from '../options.js';
import { Tokenizer } from '../tokenizer.js';
import { parseFile, readVocab } from './hf-json.js';

/** Options for {@link fromGpt2Files}. */
export interface Gpt2FilesOptions {
  /** The text of vocab.json. */
  vocab: string;
  /** The text of merges.txt. */
  merges: string;
  /** Name of the vocab file in error messages. @default 'vocab.json' */
  vocabFile?: string;
  /** Name of the merges file in error messages. @default 'merges.txt' */
  mergesFile?: string;
  /**
   * Vocabulary entries to treat as special tokens (never split, skippable in decode). Each must be in
   * vocab.json. @default ['<|endoftext|>'] when vocab.json has it, else []
   */
  specialTokens?: readonly string[];
}

/** Loads a GPT-2-style byte-level BPE from the texts of vocab.json and merges.txt. */
export function fromGpt2Files(files: Gpt2FilesOptions): Tokenizer {
  const options = optionsObject(files);
  const vocabFile = options.vocabFile ?? 'vocab.json';
  const mergesFile = options.mergesFile ?? 'merges.txt';
  if (typeof options.vocab !== 'string') throw invalidOption('vocab', 'expected the text of vocab.json.');
  if (typeof options.merges !== 'string') throw invalidOption('merges', 'expected the text of merges.txt.');

  const vocab = readVocab(
    parseFile(options.vocab, vocabFile),
    'vocab',
    (field, problem) =>
      new TokenizerError('MALFORMED_FILE', `${vocabFile}: ${field.replace(/^vocab/, 'entry ')} ${problem}`, {
        file: vocabFile,
        field,
      }),
  );

  const merges: Array<[string, string]> = [];
  const lines: number[] = [];
  options.merges.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new TokenizerError(
        'MALFORMED_FILE',
        `${mergesFile}: line ${i + 1} is ${describeValue(line)}; expected two tokens separated by one space.`,
        { file: mergesFile, line: i + 1 },
      );
    }
    merges.push(parts as [string, string]);
    lines.push(i + 1);
  });

  const fallback = vocab.has('<|endoftext|>') ? ['<|endoftext|>'] : [];
  const specials = tokenList('specialTokens', options.specialTokens, fallback);
  const added = specials.map((content, i) => {
    const id = vocab.get(content);
    if (id === undefined) throw invalidOption(`specialTokens[${i}]`, `"${content}" is not in ${vocabFile}.`);
    return { id, content, special: true };
  });
  const model = new ByteLevelBpe(vocab, merges, {
    file: mergesFile,
    mergeLine: (rank) => lines[rank] as number,
  });
  return new Tokenizer(model, added);
}
