import { createCharTokenizer, loadTokenizer, type Tokenizer, trainBpe } from '@beyond-ntp/tokenizer';
import type { TokenizerChoice } from './cli.js';

/** The one special token of a char-level run: what characters the training text never had become. */
export const UNKNOWN = '<unk>';

/**
 * The tokenizer of a new run, learned from the training part of the text only (so the held-out loss is that of
 * text the tokenizer never saw): one token per character (nanoGPT's `sorted(set(text))`) plus `<unk>`, a
 * byte-level BPE of `vocabSize` tokens (bytes, so no text is unknown), or a saved `tokenizer.json` such as GPT-2's.
 */
export async function buildTokenizer(choice: TokenizerChoice, trainingText: string): Promise<Tokenizer> {
  switch (choice.kind) {
    case 'char':
      return createCharTokenizer({ text: trainingText, specialTokens: [UNKNOWN], unknown: 'unk' });
    case 'bpe':
      return trainBpe(trainingText, { vocabSize: choice.vocabSize, specialTokens: [] });
    case 'file':
      return loadTokenizer(choice.path);
  }
}
