// Checks of what a caller hands the model in one call. Every failure is a ModelError `INPUT_INVALID` whose message
// names the argument, built here once, so that one mistake reads the same whichever public function found it
// (`forward`, `head`, `generate`, the per-head gradient helpers).
import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';
import type { ForwardInput } from './model.js';

/**
 * `options` when it is an options object (or `undefined`, read as `{}`); otherwise the `INPUT_INVALID` error
 * naming `where`, instead of a TypeError from destructuring `null` or reading fields of a number.
 */
export function optionsObject<T extends object>(options: T | undefined, where: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalidInput(`${where}: options must be an object (got ${describeValue(options)})`);
  }
  return options;
}

/** Throws the `INPUT_INVALID` error of `message`. */
export function invalidInput(message: string): never {
  throw new ModelError('INPUT_INVALID', message);
}

/** Throws unless `i` is the index of one of a model's `count` heads. */
export function checkHeadIndex(i: number, count: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= count) {
    invalidInput(`head index must be an integer in [0, ${count - 1}] (got ${describeValue(i)})`);
  }
}

/** `heads` (`options.heads`) after checking that it names each of a model's `count` heads at most once. */
export function checkHeadList(heads: number[], count: number): number[] {
  if (!Array.isArray(heads))
    invalidInput(`options.heads must be an array of head indices (got ${describeValue(heads)})`);
  if (heads.length === 0) invalidInput('options.heads must name at least one head');
  for (const i of heads) checkHeadIndex(i, count);
  const repeated = heads.find((i, j) => heads.indexOf(i) !== j);
  if (repeated !== undefined) invalidInput(`options.heads names head ${repeated} twice; name each head once`);
  return heads;
}

/** Throws (message prefixed by `prefix`) unless every id is an integer in `[0, vocabSize)`. */
export function checkTokenIds(ids: readonly number[], vocabSize: number, prefix = ''): void {
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) invalidInput(`${prefix}token id ${bad} is not an integer in [0, ${vocabSize})`);
}

/**
 * `[B, T]` of a residual-stream input `x` (trunk input, head input, input embeddings) after checking
 * that it is a float32 tensor `[B, T, dModel]` with B, T ≥ 1; `what` names it in the message.
 */
export function checkStates(x: tf.Tensor3D, dModel: number, what: string): [number, number] {
  const isTensor = x instanceof tf.Tensor;
  const [B = 0, T = 0, d] = isTensor ? x.shape : [];
  if (!isTensor || x.rank !== 3 || d !== dModel || B < 1 || T < 1 || x.dtype !== 'float32') {
    const got = isTensor ? `${x.dtype} [${x.shape}]` : typeof x;
    invalidInput(`${what} must be a float32 tensor [B, T, ${dModel}] with B, T ≥ 1 (got ${got})`);
  }
  return [B, T];
}

/** Whether a forward input is `{ inputsEmbeds }` rather than token ids (a tensor or nested arrays). */
export function isEmbeddingsInput(input: ForwardInput): input is { inputsEmbeds: tf.Tensor3D } {
  return (
    !(input instanceof tf.Tensor) && !Array.isArray(input) && typeof input === 'object' && input !== null
  );
}
