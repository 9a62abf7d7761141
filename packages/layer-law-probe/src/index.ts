// Public surface: the streaming residual accumulator, the per-layer probe, the law fit.
export {
  ResidualAccumulator,
  type ResidualAccumulatorOptions,
  type ResidualOptions,
  type ResidualResult,
  type ResidualSamples,
} from './accumulator.js';
export { LayerLawError, type LayerLawErrorCode } from './errors.js';
export {
  fitLayerLaw,
  type LayerLawDegeneracy,
  type LayerLawFit,
  type LayerLawFitOptions,
} from './law-fit.js';
export {
  LayerProbe,
  type LayerProbeOptions,
  type ProbeReport,
  type ProbeReportOptions,
  type TargetReport,
} from './layer-probe.js';
export { type ModelHiddenStates, modelLayerNames, readModelHiddenStates } from './model-adapter.js';
export { DEFAULT_NORM_EPS, type Normalization } from './normalization.js';
export {
  type LayerLawPlotOptions,
  type LayerLawSeries,
  layerLawPlotSpec,
  renderLayerLawSvg,
} from './plot.js';
export type { ProbeBatch } from './probe-batch.js';
export { type ModelBatch, type ProbeModelOptions, probeModel } from './probe-model.js';
export { type ProbeTarget, TARGET_OFFSETS } from './targets.js';
