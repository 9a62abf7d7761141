export { type AddedHeads, type AddHeadsOptions, addHeads, type BaseWeights } from './add-heads.js';
export type { HeadArrangement } from './arrangement.js';
export type { MultiTokenBatch, TokenWeights } from './batch.js';
export { MultiTokenArgumentError } from './errors.js';
export { multiTokenGradients } from './gradients.js';
export { type MultiTokenLossOptions, multiTokenLoss } from './loss.js';
export { multiTokenLossFn } from './loss-fn.js';
export {
  type HeadMetrics,
  type MultiTokenMetrics,
  type MultiTokenMetricsOptions,
  multiTokenMetrics,
} from './metrics.js';
export type { MultiTokenObjective } from './objective.js';
export { type ParameterMatchedOptions, parameterMatched } from './parameter-matched.js';
export { type HeadTargets, type MultiTokenTargetsOptions, multiTokenTargets } from './targets.js';
