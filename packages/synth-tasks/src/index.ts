// Public surface: one generator, evaluator and stats function per task, plus JSONL I/O and the seeded PRNG.
export {
  type ArithmeticScore,
  type EvaluateArithmeticOptions,
  evaluateArithmetic,
  solveArithmetic,
} from './arithmetic/evaluate.js';
export { type ArithmeticOptions, generateArithmetic } from './arithmetic/generate.js';
export type { ArithmeticRecord } from './arithmetic/record.js';
export { type ArithmeticStats, arithmeticStats } from './arithmetic/stats.js';
export { SynthTasksError, type SynthTasksErrorCode } from './errors.js';
export {
  type EvaluateInductionOptions,
  evaluateInduction,
  type InductionTarget,
  type InductionTargetsOptions,
  inductionTargets,
} from './induction/evaluate.js';
export { generateInduction, type InductionOptions } from './induction/generate.js';
export type { InductionRecord, NameMention, TokenizerLike } from './induction/record.js';
export { type InductionStats, inductionStats } from './induction/stats.js';
export { type ParseJsonlOptions, parseJsonl, toJsonl } from './jsonl.js';
export { readJsonl, writeJsonl } from './jsonl-file.js';
export type { ExactMatch } from './metrics.js';
export {
  type EvaluateMultilabelOptions,
  evaluateMultilabel,
  labelsFromText,
  type MultilabelScore,
  parseLabels,
} from './multilabel/evaluate.js';
export { generateMultilabel, type MultilabelOptions } from './multilabel/generate.js';
export { MULTILABEL_LABELS } from './multilabel/labels.js';
export type { MultilabelRecord } from './multilabel/record.js';
export { type MultilabelStats, multilabelStats } from './multilabel/stats.js';
export type { BaseOptions, Split } from './options.js';
export {
  type EvaluatePolynomialOptions,
  evaluatePolynomial,
  type PolynomialScore,
  solvePolynomial,
} from './polynomial/evaluate.js';
export {
  generatePolynomial,
  type OpsRange,
  POLYNOMIAL_DOMAINS,
  type PolynomialOptions,
} from './polynomial/generate.js';
export type { PolynomialRecord } from './polynomial/record.js';
export { type PolynomialStats, polynomialStats } from './polynomial/stats.js';
export { type EvaluateProntoQAOptions, evaluateProntoQA, solveProntoQA } from './prontoqa/evaluate.js';
export { generateProntoQA, type ProntoQAOptions } from './prontoqa/generate.js';
export type { ProntoQARecord } from './prontoqa/record.js';
export { type ProntoQAStats, prontoqaStats } from './prontoqa/stats.js';
export {
  type ClassifyProsQAPathOptions,
  classifyProsQAPath,
  type ProsQAPathClass,
} from './prosqa/classify.js';
export type { ProsQAVocabulary } from './prosqa/construction.js';
export { type EvaluateProsQAOptions, evaluateProsQA, solveProsQA } from './prosqa/evaluate.js';
export { generateProsQA, type ProsQAOptions } from './prosqa/generate.js';
export type { ProsQAGraph, ProsQARecord } from './prosqa/record.js';
export {
  type ParseReleasedProsQAOptions,
  type ProsQASplit,
  parseReleasedProsQA,
  type ReleasedProsQARecord,
  toReleasedProsQA,
} from './prosqa/released.js';
export { type ReadReleasedProsQAOptions, readReleasedProsQA } from './prosqa/released-file.js';
export { type ProsQAStats, prosqaStats } from './prosqa/stats.js';
export { Rng, type Seed } from './random.js';
export { parseReasoningOutput, type ReasoningOutput } from './reasoning-output.js';
export {
  type DatasetStats,
  datasetStats,
  recordText,
  TASK_NAMES,
  type TaskName,
  type TaskRecord,
} from './tasks.js';
