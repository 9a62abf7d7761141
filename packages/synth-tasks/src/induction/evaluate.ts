import { SynthTasksError } from '../errors.js';
import { checkSameLength, type ExactMatch } from '../metrics.js';
import type { InductionRecord, TokenizerLike } from './record.js';

/** One induction target: the second token of a repeat name mention. */
export interface InductionTarget {
  /** Index of the token in `tokenizer.encode(record.text)`. */
  position: number;
  /** The expected token id. */
  token: number;
  /** Index into the record's `names`. */
  character: number;
  /** Which mention of the character (≥ 1). */
  occurrence: number;
}

/** Options of {@link inductionTargets}. */
export interface InductionTargetsOptions {
  /** The story. */
  record: InductionRecord;
  /** The tokenizer the story was generated with. */
  tokenizer: TokenizerLike;
}

/**
 * Token positions scored by the induction metric: for every mention after a character's first, the second
 * token of `' ' + name`. Throws if the tokenizer does not keep the name's two tokens intact in context.
 */
export function inductionTargets(options: InductionTargetsOptions): InductionTarget[] {
  const { record, tokenizer } = options;
  const tokens = Array.from(tokenizer.encode(record.text));
  return record.mentions.flatMap(({ character, occurrence, start }) => {
    if (occurrence === 0) return [];
    const name = Array.from(tokenizer.encode(` ${record.names[character]}`));
    const at = tokenizer.encode(record.text.slice(0, start - 1)).length;
    if (name.length !== 2 || tokens[at] !== name[0] || tokens[at + 1] !== name[1]) {
      throw new SynthTasksError(
        'INVALID_OPTIONS',
        `inductionTargets: the tokenizer does not encode " ${record.names[character]}" as the same two tokens ` +
          `inside the story (offset ${start}); use the tokenizer the records were generated with`,
      );
    }
    return [{ position: at + 1, token: name[1] as number, character, occurrence }];
  });
}

/** Options of {@link evaluateInduction}. */
export interface EvaluateInductionOptions {
  /** The stories. */
  records: readonly InductionRecord[];
  /** The tokenizer the stories were generated with. */
  tokenizer: TokenizerLike;
  /**
   * Per story, the predicted id of every token of `tokenizer.encode(text)`: `predictions[i][t]` is the
   * model's guess for token t given tokens before t (the argmax of the logits at position t − 1).
   * Entry 0 is never scored.
   */
  predictions: readonly ArrayLike<number>[];
}

/** Accuracy on the second name token at every mention after the first (the paper's induction metric). */
export function evaluateInduction(options: EvaluateInductionOptions): ExactMatch {
  const { records, tokenizer, predictions } = options;
  checkSameLength('evaluateInduction', records, predictions);
  let correct = 0;
  let total = 0;
  records.forEach((record, i) => {
    const predicted = predictions[i] as ArrayLike<number>;
    const length = tokenizer.encode(record.text).length;
    if (predicted.length !== length) {
      throw new SynthTasksError(
        'INVALID_OPTIONS',
        `evaluateInduction: predictions[${i}] has ${predicted.length} entries but story ${i} has ${length} tokens`,
      );
    }
    for (const target of inductionTargets({ record, tokenizer })) {
      total++;
      if (predicted[target.position] === target.token) correct++;
    }
  });
  return { correct, total, accuracy: total ? correct / total : 0 };
}
