import {
  evaluateMultilabel,
  generateMultilabel,
  MULTILABEL_LABELS,
  type MultilabelRecord,
  type MultilabelScore,
} from '@beyond-ntp/synth-tasks';
import type { LabelOrder, TargetSample } from '@beyond-ntp/target-reorder-mi';
import { type Tokenizer, trainBpe } from '@beyond-ntp/tokenizer';
import type { PromptTarget } from './rows.js';

/** A label as one special token, so every label is exactly one emitted token. */
export const labelToken = (label: string): string => `<${label}>`;

/** Special tokens of the multi-label vocabulary: padding, the prompt/answer separator, the end mark, the labels. */
const SPECIALS = ['<pad>', '<sep>', '<eos>', ...MULTILABEL_LABELS.map(labelToken)];

/** Texts and label sets of the multi-label task, with the tokenizer trained on the training texts. */
export interface MultilabelSplit {
  /** Training records. */
  train: MultilabelRecord[];
  /** Held-out records; no text is also a training text. */
  test: MultilabelRecord[];
  /** Byte-level BPE learned from the training texts; labels, `<sep>`, `<eos>` and `<pad>` are special tokens. */
  tokenizer: Tokenizer;
  /** Id of `<pad>`. */
  padId: number;
  /** Id of `<sep>`, which ends every prompt. */
  sepId: number;
  /** Id of `<eos>`, which ends every label list. */
  eosId: number;
  /** Id of each label's token, by label name. */
  labelIds: ReadonlyMap<string, number>;
  /** Longest prompt + target in tokens, over both splits. */
  maxLength: number;
}

/** Options of {@link multilabelSplit}. */
export interface MultilabelSplitOptions {
  /** Training records. */
  trainCount: number;
  /** Held-out records. */
  testCount: number;
}

/**
 * synth-tasks' multi-label data (at most three topics, no filler sentences, to keep sequences short), the same
 * for every seed. The BPE vocabulary is large enough for every word of the generator's closed vocabulary to
 * become one token.
 */
export function multilabelSplit(options: MultilabelSplitOptions): MultilabelSplit {
  const task = { seed: 'reorder-multiplication/labels', maxTopics: 3, maxFiller: 0 };
  const train = generateMultilabel({ ...task, count: options.trainCount, split: 'train' });
  const test = generateMultilabel({ ...task, count: options.testCount, split: 'test' });
  const tokenizer = trainBpe(
    train.map((r) => r.text),
    { vocabSize: 1024, specialTokens: SPECIALS },
  );
  const id = (token: string) => tokenizer.tokenToId(token) as number;
  const split = {
    train,
    test,
    tokenizer,
    padId: id('<pad>'),
    sepId: id('<sep>'),
    eosId: id('<eos>'),
    labelIds: new Map(MULTILABEL_LABELS.map((label) => [label, id(labelToken(label))])),
    maxLength: 0,
  };
  const longest = Math.max(
    ...[...train, ...test].map((r) => tokenizer.encode(r.text).length + 1 + r.labels.length + 1),
  );
  return { ...split, maxLength: longest };
}

/** Source → target samples for the MI estimators: text token ids → one presence flag per canonical label. */
export function labelSamples(split: MultilabelSplit): TargetSample[] {
  return split.train.map((r) => {
    const present = new Set(r.labels);
    return { source: split.tokenizer.encode(r.text), target: MULTILABEL_LABELS.map((l) => present.has(l)) };
  });
}

/** A record as token ids: `text <sep>` then its labels in the emission order of `transform`, then `<eos>`. */
export function encodeLabelled(
  split: MultilabelSplit,
  record: MultilabelRecord,
  transform: LabelOrder,
): PromptTarget {
  const labels = transform.apply(record.labels).map((l) => split.labelIds.get(l) as number);
  return { prompt: [...split.tokenizer.encode(record.text), split.sepId], target: [...labels, split.eosId] };
}

/** Options of {@link scoreLabels}. */
export interface ScoreLabelsOptions {
  /** The split (for its token ids). */
  split: MultilabelSplit;
  /** The records scored. */
  records: readonly MultilabelRecord[];
  /** The model's tokens after each prompt. */
  emitted: readonly (readonly number[])[];
  /** The order the model was trained in. */
  transform: LabelOrder;
}

/**
 * Reads each output up to `<eos>` as a label set (a repeated label counts once) and scores the sets with
 * synth-tasks' `evaluateMultilabel`: exact set match, micro- and macro-F1. `invert` maps the emitted labels
 * back to canonical order; the score does not depend on order at all.
 */
export function scoreLabels(options: ScoreLabelsOptions): MultilabelScore {
  const { split, records, emitted, transform } = options;
  const names = new Map([...split.labelIds].map(([label, id]) => [id, label]));
  const predictions = emitted.map((ids) => {
    const end = ids.indexOf(split.eosId);
    const labels = (end === -1 ? ids : ids.slice(0, end)).flatMap((id) => names.get(id) ?? []);
    return transform.invert([...new Set(labels)]);
  });
  return evaluateMultilabel({ records, predictions });
}
