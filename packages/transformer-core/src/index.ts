export { BeyondNtpError, type BrandedErrorClass } from '@beyond-ntp/errors';
export type { AttentionMaskInput, PositionIdsInput } from './batch-inputs.js';
export * from './checkpoint/index.js';
export {
  DEFAULT_MAX_PARAMETERS,
  MAX_TENSOR_ELEMENTS,
  type ModelConfig,
  type ModelConfigInput,
  type ModelParameterCount,
  modelConfigSchema,
  modelParameterCount,
  type ParseModelConfigOptions,
  parseModelConfig,
} from './config.js';
export { type DecodeStepOptions, decodeStep } from './decode-step.js';
export { ConfigError, type ConfigErrorOptions, ModelError, type ModelErrorCode } from './errors.js';
export { type GenerateOptions, generate } from './generate.js';
export { embedLookup } from './kernels/embed-lookup.js';
export { KernelError, type KernelErrorCode } from './kernels/errors.js';
export { KERNELS, type KernelMode, type Kernels } from './kernels/index.js';
export { linear } from './kernels/linear.js';
export { loadWasmKernels, wasmKernelsAvailable } from './kernels/wasm-host.js';
export { KVCache } from './kv-cache.js';
export {
  type LeftPaddedBatch,
  type LeftPadOptions,
  leftPad,
  type PaddedWindow,
  paddedWindow,
  type WindowColumns,
} from './left-padding.js';
export {
  type CreateModelOptions,
  createModel,
  type ForwardInput,
  type ForwardOptions,
  type ForwardOutput,
  type HiddenState,
  type HiddenStateName,
  type RunOptions,
  type TokenIds,
  TransformerModel,
  type TrunkOptions,
  type TrunkOutput,
} from './model.js';
export type { NormParams } from './norm.js';
export * from './parallel/index.js';
export {
  type NamedModelWeights,
  type ParameterGroups,
  parameterGroups,
  type SetTrainableOptions,
  setTrainable,
} from './param-groups.js';
export * from './per-head/index.js';
export type { EmbeddingsPrompt, GeneratePrompt } from './prompt-source.js';
export { type SamplingOptions, sampleToken, samplingDistribution, seededRandom } from './sample.js';
export * from './train/index.js';
