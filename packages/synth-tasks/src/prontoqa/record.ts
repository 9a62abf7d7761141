import { z } from 'zod';

/** One ProntoQA-style question: a fictional ontology, a k-hop True/False query and its proof. */
export interface ProntoQARecord {
  /** Task tag. */
  task: 'prontoqa';
  /** Split the question belongs to. */
  split: 'train' | 'test';
  /** Number of rules the proof applies. */
  hops: number;
  /** Shuffled context sentences, then "True or false: <name> is [not] <property>." */
  question: string;
  /** One step per applied rule: the rule, then what it concludes ("Every wumpus is a yumpus. Max is a yumpus."). */
  steps: string[];
  /** "True" or "False". */
  answer: 'True' | 'False';
}

/** Schema used to validate imported ProntoQA records. */
export const prontoqaRecordSchema = z.object({
  task: z.literal('prontoqa'),
  split: z.enum(['train', 'test']),
  hops: z.number().int().positive(),
  question: z.string(),
  steps: z.array(z.string()),
  answer: z.enum(['True', 'False']),
});
