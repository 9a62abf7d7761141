export { type AccumulatedGradients, accumulateGradients } from './accumulate.js';
export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export type { BatchSource } from './batch-reader.js';
export type { StepMetrics, TrainCallbacks, TrainResult, TrainStartInfo } from './callbacks.js';
export { type ClippedGradients, clipByGlobalNorm, globalNorm, type NamedGradients } from './clip.js';
export {
  type CrossEntropyOptions,
  type CrossEntropyReduction,
  crossEntropy,
  type PerPositionCrossEntropyOptions,
  type PositionValues,
  type ScalarCrossEntropyOptions,
} from './cross-entropy.js';
export { InvalidTrainingArgumentError, NonFiniteLossError, NonFiniteUpdateError } from './errors.js';
export { type EvaluateOptions, evaluate, type LossContext, type LossFn } from './evaluate.js';
export { type GradientContext, type GradientFn, lossFnGradients, perMicroBatch } from './gradient-source.js';
export { type AddGradientsOptions, addGradients } from './gradient-sum.js';
export { type JsonlMetricsLogOptions, jsonlMetricsLog } from './metrics-log.js';
export { type ProgressOptions, type ProgressStream, progressReporter } from './progress.js';
export { type LearningRateSchedule, type WarmupCosineOptions, warmupCosineSchedule } from './schedule.js';
export { stepSeed } from './seed.js';
export {
  type HeldOutBatchesOptions,
  type TokenWindows,
  type TokenWindowsOptions,
  tokenWindows,
  type WindowBatch,
} from './token-windows.js';
export {
  type EvaluationOptions,
  type TrainCheckpointOptions,
  type TrainOptions,
  train,
} from './trainer.js';
