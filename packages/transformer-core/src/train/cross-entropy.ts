import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, InvalidTrainingArgumentError } from './errors.js';

/**
 * How {@link crossEntropy} combines the per-position losses: `mean` (mask-weighted mean), `sum` (mask-weighted
 * sum) or `none` (one loss per position, times its mask weight).
 */
export type CrossEntropyReduction = 'mean' | 'sum' | 'none';

/**
 * Per-position values of {@link crossEntropy} (class ids, mask weights): a tensor, or plain arrays `[N]` /
 * `[B, T]`. Arrays are checked on the host before anything runs.
 */
export type PositionValues = tf.Tensor | number[] | number[][];

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /**
   * Weight per target, same shape as `targets` (`[N]` or `[B, T]`): 1 keeps a position, 0 ignores it (prompt
   * tokens, padding). Any numeric dtype; it is cast to float32.
   * @default every position counts
   */
  mask?: PositionValues;
  /**
   * `mean`: `Σ mask·loss / Σ mask` (a fully masked batch gives 0 rather than NaN). `sum`: `Σ mask·loss`.
   * `none`: `mask·loss` per position, shaped like `targets` (`[N]` or `[B, T]`): per-token log-likelihoods.
   * @default 'mean'
   */
  reduction?: CrossEntropyReduction;
}

/** {@link CrossEntropyOptions} that reduce to a scalar. */
export interface ScalarCrossEntropyOptions extends CrossEntropyOptions {
  /** `mean` or `sum`; see {@link CrossEntropyOptions.reduction}. */
  reduction?: 'mean' | 'sum';
}

/** {@link CrossEntropyOptions} that keep one loss per position. */
export interface PerPositionCrossEntropyOptions extends CrossEntropyOptions {
  /** One loss per position; see {@link CrossEntropyOptions.reduction}. */
  reduction: 'none';
}

/**
 * Cross-entropy between `logits` (`[N, V]` or `[B, T, V]`) and class ids `targets` (`[N]` or `[B, T]`): the
 * mask-weighted mean (default) or sum as a scalar, or with `reduction: 'none'` one loss per position.
 *
 * Per position, `loss = logSumExp(z) - z[target]`, which never exponentiates a large logit. The gradient is
 * written by hand (`(softmax(z) - onehot(target)) · weight · dy` per row) instead of differentiating a gather:
 * tfjs's `GatherV2` gradient needs `UnsortedSegmentSum`, which the wasm backend does not have, so this loss
 * trains on every backend.
 *
 * **Invalid targets.** Positions the mask drops may hold any id (e.g. -1 padding): ids are clamped into range
 * before use, so they never index outside the logits, and their weight is 0. A position the mask keeps must
 * hold an integer in `[0, V)`:
 * - targets given as arrays, with an array mask or none, are checked on the host and a bad id throws
 *   {@link InvalidTrainingArgumentError} (`field: 'targets'`) naming its position, before any tensor is made;
 * - targets given as arrays with a **tensor** mask: the mask is not read, so the host cannot tell kept positions from
 *   dropped ones. It refuses only values that are not int32 integers (fractions, NaN, beyond int32), which int32
 *   conversion would change unseen; a kept id outside `[0, V)` is reported as for tensor targets (next);
 * - targets given as a tensor are not read (a device read per call would stall GPU backends every step).
 *   Instead a bad id makes its position's loss **and** that row's gradient NaN, so the reduced loss is NaN: `train`
 *   then stops with `NonFiniteLossError` at that step before applying the update, and `reduction: 'none'` on the
 *   same batch shows which positions are NaN. The check costs a few elementwise ops on `[N]`, nothing on `[N, V]`.
 *
 * @throws {InvalidTrainingArgumentError} for ranks, shapes or dtypes that do not fit, naming `logits`, `targets`
 * or `mask`; for array targets, also for a kept id outside `[0, V)` (array mask or none) or a non-int32 id
 * (tensor mask).
 */
export function crossEntropy(
  logits: tf.Tensor,
  targets: PositionValues,
  options?: ScalarCrossEntropyOptions,
): tf.Scalar;
/**
 * Per-position cross-entropy: `mask·(logSumExp(z) - z[target])`, shaped like `targets` (`[N]` or `[B, T]`).
 * See the scalar form above for the gradient and for how invalid targets are reported.
 */
export function crossEntropy(
  logits: tf.Tensor,
  targets: PositionValues,
  options: PerPositionCrossEntropyOptions,
): tf.Tensor;
export function crossEntropy(
  logits: tf.Tensor,
  targets: PositionValues,
  options: CrossEntropyOptions = {},
): tf.Tensor {
  const reduction = checkOptions('crossEntropy options', options).reduction ?? 'mean';
  if (!['mean', 'sum', 'none'].includes(reduction)) {
    throw new InvalidTrainingArgumentError(
      'reduction',
      `expected 'mean', 'sum' or 'none', got ${describeValue(reduction)}`,
    );
  }
  if (logits.rank !== 2 && logits.rank !== 3) {
    throw new InvalidTrainingArgumentError(
      'logits',
      `expected shape [N, V] or [B, T, V], got [${logits.shape}]`,
    );
  }
  const leading = logits.shape.slice(0, -1);
  const vocabSize = logits.shape[logits.rank - 1] as number;
  const maskRows = options.mask === undefined ? undefined : positionRows('mask', options.mask, leading);
  const targetRows = positionRows('targets', targets, leading);
  if (targetRows !== undefined) {
    // A tensor mask is not read, so any position may be kept: only what the tensor path cannot see is checked.
    const unreadMask = options.mask !== undefined && maskRows === undefined;
    if (unreadMask) checkInt32Targets(targetRows, leading);
    else checkHostTargets(targetRows, maskRows, leading, vocabSize);
  }
  const targetTensor = asTensor('targets', targets, logits.shape, 'int32');
  const maskTensor = options.mask === undefined ? undefined : asTensor('mask', options.mask, logits.shape);

  try {
    return tf.tidy(() => {
      const z = tf.reshape(tf.cast(logits, 'float32'), [-1, vocabSize]) as tf.Tensor2D; // [N, V]
      const rows = z.shape[0] as number;
      const raw = tf.reshape(targetTensor, [-1]); // [N]
      // Clamp masked-out ids (e.g. -1) into range; not clipByValue, whose wasm kernel ignores int32 (tfjs 4.22).
      const t = tf.maximum(
        tf.minimum(raw, tf.scalar(vocabSize - 1, 'int32')),
        tf.scalar(0, 'int32'),
      ) as tf.Tensor1D;
      const keep =
        maskTensor === undefined ? tf.ones([rows]) : tf.cast(tf.reshape(maskTensor, [-1]), 'float32');
      // mean: weight_i = mask_i / Σ mask, so one weighted sum serves masked and plain means.
      const scaled = reduction === 'mean' ? tf.div(keep, tf.maximum(tf.sum(keep), 1e-12)) : keep;
      // A kept id that clamping moved was out of range: NaN in its weight poisons its loss and gradient row.
      const invalid = tf.logicalAnd(tf.notEqual(t, raw), tf.notEqual(keep, 0));
      const weight = tf.where(invalid, tf.fill([rows], Number.NaN), scaled) as tf.Tensor1D; // [N]
      const perRow = weightedRowLosses(z, t, weight); // [N]
      return reduction === 'none' ? tf.reshape(perRow, leading) : tf.sum(perRow);
    });
  } finally {
    if (targetTensor !== targets) targetTensor.dispose();
    if (maskTensor !== undefined && maskTensor !== options.mask) maskTensor.dispose();
  }
}

// weight_i · (logSumExp(z_i) - z_i[t_i]) per row, with the hand-written gradient described on crossEntropy.
function weightedRowLosses(z: tf.Tensor2D, t: tf.Tensor1D, weight: tf.Tensor1D): tf.Tensor1D {
  const [rows, vocabSize] = z.shape;
  const lossOf = tf.customGrad((zIn, saveIn) => {
    const x = zIn as tf.Tensor2D;
    const save = saveIn as tf.GradSaveFunc;
    const logNorm = tf.logSumExp(x, -1); // [N]
    // z[i, t_i] by a flat gather: a forward gather runs on every backend, only its gradient does not.
    const flatIndex = tf.add(tf.range(0, rows * vocabSize, vocabSize, 'int32'), t); // [N]
    const picked = tf.gather(tf.reshape(x, [-1]), flatIndex); // [N]
    const value = tf.mul(tf.sub(logNorm, picked), weight) as tf.Tensor1D;
    // Saved tensors outlive the caller's tidy (t and weight do not). Saving x rather than softmax(x) means no
    // [N, V] buffer is made when no gradient is taken (evaluation); backward rebuilds softmax from logNorm.
    save([x, logNorm, t, weight]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [xs, lse, ts, w] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const probs = tf.exp(tf.sub(xs, tf.expandDims(lse, 1))); // softmax(z), [N, V]
        // d/dz [logSumExp(z) - z_t] = softmax(z) - onehot(t), scaled by the row weight and upstream dy_i.
        const rowScale = tf.expandDims(tf.mul(w, dy), 1); // [N, 1]
        return tf.mul(tf.sub(probs, tf.oneHot(ts, vocabSize)), rowScale);
      },
    };
  });
  return lossOf(z) as tf.Tensor1D;
}

// Rows of a plain-array argument ([N] as one row), after checking it has the shape `leading`; undefined for
// a tensor argument, whose shape and dtype are checked by asTensor.
function positionRows(field: string, value: PositionValues, leading: number[]): number[][] | undefined {
  if (value instanceof tf.Tensor) return undefined;
  const nested = leading.length === 2;
  const rows = (nested ? value : [value]) as unknown[];
  const ok =
    Array.isArray(value) &&
    rows.length === (nested ? leading[0] : 1) &&
    rows.every(
      (row) =>
        Array.isArray(row) &&
        row.length === leading[leading.length - 1] &&
        row.every((v) => typeof v === 'number'),
    );
  if (!ok) {
    throw new InvalidTrainingArgumentError(
      field,
      `expected a tensor or ${nested ? 'nested arrays' : 'an array'} of numbers of shape [${leading}] to match the logits`,
    );
  }
  return rows as number[][];
}

// Array targets against an array mask (or none): every kept id must be an integer in [0, V).
function checkHostTargets(
  targets: number[][],
  mask: number[][] | undefined,
  leading: number[],
  vocabSize: number,
): void {
  const bad = findTarget(targets, (id, r, c) => mask?.[r]?.[c] !== 0 && !isId(id, vocabSize));
  if (bad === undefined) return;
  throw new InvalidTrainingArgumentError(
    'targets',
    `id ${bad.id} at ${position(bad, leading)} is not an integer in [0, ${vocabSize}) (the logits' last axis); mask the position out or fix the id`,
  );
}

// Array targets against a tensor mask, which is not read: a kept id out of [0, V) becomes NaN on the tensor path,
// but a value that int32 conversion would change (a fraction, NaN, beyond int32) would pass it unseen, so those
// are refused wherever they are.
function checkInt32Targets(targets: number[][], leading: number[]): void {
  const bad = findTarget(targets, (id) => (id | 0) !== id);
  if (bad === undefined) return;
  throw new InvalidTrainingArgumentError(
    'targets',
    `id ${bad.id} at ${position(bad, leading)} is not an int32 integer; a masked-out position may hold any integer id (e.g. -1), never a fraction`,
  );
}

function isId(id: number, vocabSize: number): boolean {
  return Number.isInteger(id) && id >= 0 && id < vocabSize;
}

interface TargetAt {
  id: number;
  row: number;
  column: number;
}

function findTarget(
  targets: number[][],
  isBad: (id: number, row: number, column: number) => boolean,
): TargetAt | undefined {
  for (const [row, ids] of targets.entries()) {
    const column = ids.findIndex((id, c) => isBad(id, row, c));
    if (column >= 0) return { id: ids[column] as number, row, column };
  }
  return undefined;
}

// `[r, c]` for [B, T] targets, `[c]` for [N] ones (held as one row).
function position({ row, column }: TargetAt, leading: number[]): string {
  return leading.length === 2 ? `[${row}, ${column}]` : `[${column}]`;
}

// The argument as a tensor of shape `logitsShape` minus its last axis (arrays are converted, the caller
// disposes the copy); tensors are checked, not copied.
function asTensor(field: string, value: PositionValues, logitsShape: number[], dtype?: 'int32'): tf.Tensor {
  const leading = logitsShape.slice(0, -1);
  if (!(value instanceof tf.Tensor)) return tf.tensor(value, leading, dtype ?? 'float32');
  if (dtype !== undefined && value.dtype !== dtype) {
    throw new InvalidTrainingArgumentError(field, `expected dtype ${dtype}, got ${value.dtype}`);
  }
  if (!tf.util.arraysEqual(value.shape, leading)) {
    throw new InvalidTrainingArgumentError(
      field,
      `expected shape [${leading}] to match logits [${logitsShape}], got [${value.shape}]`,
    );
  }
  return value;
}
