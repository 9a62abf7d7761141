export { type CliOptions, helpText, parseCli, parseSeeds, positiveIntegerOption } from './cli.js';
export { KitError, type KitErrorCode } from './errors.js';
export {
  type AppOption,
  type AppOptionValues,
  type Condition,
  type CurvePoint,
  defineExperiment,
  type Experiment,
  type GitState,
  MODES,
  type Mode,
  type PlanArgs,
  type RunContext,
  type RunIdentity,
  type RunOutput,
  type RunResult,
  type SummarizeArgs,
  type Summary,
} from './experiment.js';
export { formatDuration, formatNumber } from './format.js';
export type { Json } from './json.js';
export { type MainOptions, main } from './main.js';
export {
  AUTO_RULE,
  chooseThreads,
  type GradientTimings,
  type ParallelMode,
  type ThreadChoice,
} from './parallel/choice.js';
export { type MultiTokenShard, multiTokenParallel } from './parallel/multi-token.js';
export { type ParallelTraining, type RunGradients, runGradients } from './parallel/threads.js';
export type { TrainingThreads } from './parallel/training-threads.js';
export { type PlotSpec, renderSvg } from './plots.js';
export type { ProgressCallbacks } from './progress.js';
export { gitState } from './provenance.js';
export type { ConditionRow, ResultsFile } from './report.js';
export { defaultOutDir, type RunExperimentOptions, runExperiment } from './runner.js';
export {
  mean,
  median,
  pearson,
  pooledStd,
  sampleStd,
  summarizeValues,
  type ValueSummary,
  type WelchT,
  welchT,
} from './stats.js';
export { hasCheckpoint, writeFileAtomic } from './store.js';
export { type TrainableModel, type TrainRecipe, type TrainRunOptions, trainRun } from './train-run.js';
export { type ComparisonOptions, compareConditions, type Outcome, type Verdict } from './verdict.js';
