export { SpecDecodeError, type SpecDecodeErrorCode } from './errors.js';
export type { Drafter, HeadsDrafter, ModelDrafter, SpeculativeOptions } from './options.js';
export { type SpeculativeResult, speculativeGenerate } from './speculative-generate.js';
export type { SpeculativeStats } from './stats.js';
export { type SpeculativeStream, speculativeStream, type TokenEvent } from './stream.js';
