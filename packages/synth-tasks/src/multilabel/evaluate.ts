import { checkSameLength } from '../metrics.js';
import { labelsForTopics, MULTILABEL_LABELS, TOPIC_KEYWORDS, TOPICS, type Topic } from './labels.js';
import type { MultilabelRecord } from './record.js';

/** The labels a text implies, read from its keywords alone (the generator's ground truth, recomputed). */
export function labelsFromText(text: string): string[] {
  const words = new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
  const topics = new Set<Topic>(TOPICS.filter((t) => TOPIC_KEYWORDS[t].some((w) => words.has(w))));
  return labelsForTopics(topics);
}

/** Splits a serialized prediction such as "food, music, home" into label names (order is ignored). */
export function parseLabels(text: string): string[] {
  return text
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Options of {@link evaluateMultilabel}. */
export interface EvaluateMultilabelOptions {
  /** The reference records. */
  records: readonly MultilabelRecord[];
  /** One prediction per record: a label list, or a comma-separated string. Order and duplicates are ignored. */
  predictions: readonly (readonly string[] | string)[];
}

/** Set-based multi-label metrics. */
export interface MultilabelScore {
  /** Fraction of records whose predicted label set equals the true set. */
  exactMatch: number;
  /** F1 over all (record, label) decisions pooled. */
  microF1: number;
  /** Mean per-label F1 over labels that occur in the references or predictions. */
  macroF1: number;
  /** F1 of each label (absent when the label never occurs in references or predictions). */
  perLabelF1: Record<string, number>;
  /** Number of records scored. */
  total: number;
}

const f1 = (tp: number, fp: number, fn: number) => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));

/** Exact set match, micro-F1 and macro-F1; predictions are compared as sets, so label order never matters. */
export function evaluateMultilabel(options: EvaluateMultilabelOptions): MultilabelScore {
  const { records, predictions } = options;
  checkSameLength('evaluateMultilabel', records, predictions);
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (label: string, key: 'tp' | 'fp' | 'fn') => {
    const c = counts.get(label) ?? { tp: 0, fp: 0, fn: 0 };
    c[key]++;
    counts.set(label, c);
  };
  let exact = 0;
  records.forEach((record, i) => {
    const raw = predictions[i] ?? [];
    const predicted = new Set(typeof raw === 'string' ? parseLabels(raw) : raw);
    const truth = new Set(record.labels);
    for (const label of predicted) bump(label, truth.has(label) ? 'tp' : 'fp');
    for (const label of truth) if (!predicted.has(label)) bump(label, 'fn');
    if (predicted.size === truth.size && [...truth].every((l) => predicted.has(l))) exact++;
  });
  const order = [...MULTILABEL_LABELS, ...[...counts.keys()].filter((l) => !MULTILABEL_LABELS.includes(l))];
  const perLabelF1 = Object.fromEntries(
    order.flatMap((l) => {
      const c = counts.get(l);
      return c ? [[l, f1(c.tp, c.fp, c.fn)]] : [];
    }),
  );
  const total = [...counts.values()].reduce(
    (s, c) => ({ tp: s.tp + c.tp, fp: s.fp + c.fp, fn: s.fn + c.fn }),
    {
      tp: 0,
      fp: 0,
      fn: 0,
    },
  );
  const perLabel = Object.values(perLabelF1);
  return {
    exactMatch: records.length ? exact / records.length : 0,
    microF1: f1(total.tp, total.fp, total.fn),
    macroF1: perLabel.length ? perLabel.reduce((s, x) => s + x, 0) / perLabel.length : 0,
    perLabelF1,
    total: records.length,
  };
}
