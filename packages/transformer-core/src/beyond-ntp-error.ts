// The base class lives in @beyond-ntp/errors, which the packages that must not depend on transformer-core
// (runtime, tokenizer, synth-tasks, target-reorder-mi) extend too; this package re-exports it so its own error
// modules and code importing it from transformer-core keep working.
export { BeyondNtpError, type BrandedErrorClass } from '@beyond-ntp/errors';
