// Public surface: estimators over discrete samples, per-position MI tables and orders, reversible transforms.
export { TargetReorderError, type TargetReorderErrorCode } from './errors.js';
export {
  type EntropyEstimator,
  type EstimatorChoice,
  type EstimatorName,
  estimators,
  exactEstimator,
  type Histogram,
  millerMadowEstimator,
  plugInEstimator,
} from './estimators/estimator.js';
export {
  type ConditionalEntropyOptions,
  type ConditionalMutualInformationOptions,
  conditionalEntropy,
  conditionalMutualInformation,
  type EntropyOptions,
  type EstimateOptions,
  entropy,
  type MutualInformationOptions,
  mutualInformation,
} from './estimators/information.js';
export type { DiscreteValue } from './estimators/symbol-coder.js';
export { DiscreteVariable, type VariableInput } from './estimators/variable.js';
export type { SampleWeights } from './estimators/weights.js';
export {
  type ChooseOrderOptions,
  type CustomOrderOptions,
  chooseOrder,
  describeOrder,
  type FixedOrderOptions,
  type MiOrderOptions,
  type OrderStrategy,
  type TargetOrder,
} from './targets/choose-order.js';
export { type MiTable, type MiTableOptions, miTable, type TargetDataInput } from './targets/mi-table.js';
export type { SourceDefinition } from './targets/source-definition.js';
export {
  type EncodeTargetsOptions,
  encodeTargets,
  type Sequence,
  type TargetData,
  type TargetSample,
} from './targets/target-data.js';
export {
  DigitPermutation,
  type DigitPermutationJSON,
  type DigitPermutationOptions,
} from './transforms/digit-permutation.js';
export { type Transform, transformFromJSON } from './transforms/from-json.js';
export { LabelOrder, type LabelOrderJSON, type LabelOrderOptions } from './transforms/label-order.js';
export type { OrderInput } from './transforms/order-input.js';
export {
  SentenceStart,
  type SentenceStartJSON,
  type SentenceStartOptions,
} from './transforms/sentence-start.js';
export { DEFAULT_BOUNDARIES } from './transforms/sentences.js';
export {
  type MiTokenScoresOptions,
  miTokenScores,
  type TfidfScoresOptions,
  type TokenScores,
  tfidfScores,
} from './transforms/token-scores.js';
export {
  type ReversibleTransform,
  TRANSFORM_FORMAT,
  TRANSFORM_VERSION,
  type TransformJsonHeader,
  type TransformKind,
} from './transforms/transform-json.js';
