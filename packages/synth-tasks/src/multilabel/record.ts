import { z } from 'zod';
import { MULTILABEL_LABELS } from './labels.js';

/** One multi-label text-classification example. */
export interface MultilabelRecord {
  /** Task tag. */
  task: 'multilabel';
  /** Split the text belongs to. */
  split: 'train' | 'test';
  /** The input text. */
  text: string;
  /** The true labels in canonical order (see MULTILABEL_LABELS); serialized as `labels.join(', ')`. */
  labels: string[];
}

/** Schema used to validate imported multi-label records. */
export const multilabelRecordSchema = z.object({
  task: z.literal('multilabel'),
  split: z.enum(['train', 'test']),
  text: z.string(),
  labels: z.array(z.enum(MULTILABEL_LABELS as [string, ...string[]])),
});
