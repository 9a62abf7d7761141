export { SpecDecodeError, type SpecDecodeErrorCode } from './errors.js';
export type { Drafter, HeadsDrafter, ModelDrafter, SpeculativeOptions } from './options.js';
export { type SpeculativeResult, speculativeGenerate } from './speculative-generate.js';
export type { ForwardCounts, SpeculativeStats } from './stats.js';
export { type SpeculativeStream, speculativeStream, type TokenEvent } from './stream.js';
