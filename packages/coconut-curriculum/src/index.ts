export { type CoconutBatch, type CollateOptions, type CollateRow, collate } from './collate.js';
export {
  type ContinuousForwardOptions,
  type ContinuousForwardOutput,
  continuousForward,
  type ThoughtMode,
} from './continuous-forward.js';
export { CoconutError, type CoconutErrorCode } from './errors.js';
export type { CoconutTokens, ReasoningExample } from './example.js';
export {
  coconutAnswer,
  type GenerateWithThoughtsOptions,
  generateWithThoughts,
  type InferenceLayout,
  type InferenceLayoutOptions,
  inferenceLayout,
  type ThoughtGeneration,
} from './inference.js';
export type { ThoughtBatch } from './latent-layout.js';
export { coconutLoss } from './loss.js';
export {
  COCONUT_METHODS,
  type CoconutMethod,
  isCurriculumMethod,
  methodSlots,
  type ScheduledStageOptions,
  scheduledStage,
} from './methods.js';
export {
  frontierNodes,
  type ProbeOptions,
  type ProbeResult,
  probeValues,
  type SearchGraph,
} from './probe.js';
export {
  type EpochRowsOptions,
  epochRows,
  type OptimizerReset,
  type PlannedEpoch,
  type PlanOptions,
  planEpochs,
  type ScheduleOptions,
} from './schedule.js';
export {
  type CurriculumShape,
  IGNORE_LABEL,
  type SlotKind,
  type StagedSequence,
  type StageExampleOptions,
  type StageShape,
  type StageShapeOptions,
  stageExample,
  stageShape,
  type ThoughtPromptOptions,
  thoughtPrompt,
} from './stages.js';
export {
  type CurriculumResult,
  type EpochSummary,
  REFERENCE_ADAMW,
  type TrainCurriculumOptions,
  trainCurriculum,
} from './train-curriculum.js';
