import { mixSeed, mulberry32 } from '../random.js';
import { checkInteger, checkNumber, InvalidTrainingArgumentError } from './errors.js';

/** Options of {@link tokenWindows}. */
export interface TokenWindowsOptions {
  /** The token ids of the whole text, in order (e.g. `tokenizer.encode(text)`). */
  ids: ArrayLike<number>;
  /**
   * Positions per window, usually the model's `contextLength`: a window is `length + 1` consecutive ids, whose
   * first `length` are the inputs and last `length` the targets.
   */
  length: number;
  /** Windows per batch. */
  batchSize: number;
  /**
   * Share of the ids held out for evaluation: the last `floor(ids.length × heldOutFraction)` ids, as one
   * contiguous block, so no held-out window overlaps a training one.
   * @default 0.1
   */
  heldOutFraction?: number;
  /**
   * Seed of the training windows' positions.
   * @default 0
   */
  seed?: number;
}

/** One batch of windows as plain arrays (no tensors): `targets[b][t] = ` the id after `inputs[b][t]`. */
export interface WindowBatch {
  /** Input ids, `[batchSize][length]`. */
  inputs: number[][];
  /** Next-token targets, `[batchSize][length]`: each input row shifted left by one. */
  targets: number[][];
}

/** Options of {@link TokenWindows.heldOutBatches}. */
export interface HeldOutBatchesOptions {
  /**
   * At most this many batches, from windows spread evenly over the held-out ids.
   * @default every full batch of held-out windows
   */
  maxBatches?: number;
}

/** Training and held-out windows over one token sequence; see {@link tokenWindows}. */
export interface TokenWindows {
  /** Ids windows are drawn from for training (the first part of `ids`). */
  readonly trainIds: number;
  /** Ids held out for evaluation (the last part of `ids`). */
  readonly heldOutIds: number;
  /**
   * Training batch of update `step` (micro-batch `micro`): `batchSize` windows at uniformly random positions of
   * the training ids, drawn from the seed, the step and the micro-batch only. Fits `train({ batches })` as it is;
   * a resumed run gets the same batches.
   */
  trainBatch(step: number, micro?: number): WindowBatch;
  /**
   * Held-out batches for `train({ evaluate: { batches } })` or `evaluate`: non-overlapping windows tiling the
   * held-out ids, grouped into batches of `batchSize` (fewer only when there are fewer windows than that), so the
   * mean of the batches' mean losses is the mean loss over the windows. The same batches on every call.
   */
  heldOutBatches(options?: HeldOutBatchesOptions): WindowBatch[];
}

/**
 * Turns one token sequence (a tokenized text) into next-token training data: seeded random windows from the
 * first part and fixed, non-overlapping evaluation windows from the last part, as nanoGPT's `get_batch` draws
 * them. Batches are plain arrays, so nothing here allocates tensors; `model.forward(batch.inputs)` and a tensor
 * of `batch.targets` inside the loss function's `tf.tidy` are all a loss needs.
 *
 * @throws {InvalidTrainingArgumentError} naming the option, when an id is not an integer ≥ 0, an option is out
 * of range, or either part is too short for one window of `length + 1` ids.
 */
export function tokenWindows(options: TokenWindowsOptions): TokenWindows {
  const length = checkInteger('tokenWindows.length', options.length, 1);
  const batchSize = checkInteger('tokenWindows.batchSize', options.batchSize, 1);
  const fraction = checkNumber('tokenWindows.heldOutFraction', options.heldOutFraction ?? 0.1, 0, 1);
  const seed = checkInteger('tokenWindows.seed', options.seed ?? 0, 0);
  const ids = checkedIds(options.ids);
  const heldOutIds = Math.floor(ids.length * fraction);
  const trainIds = ids.length - heldOutIds;
  const tooShort = (part: string, count: number) =>
    new InvalidTrainingArgumentError(
      'tokenWindows.ids',
      `the ${part} part has ${count} ids, fewer than one window of length + 1 = ${length + 1}; ` +
        'use a longer text, a smaller length or another heldOutFraction',
    );
  if (trainIds < length + 1) throw tooShort('training', trainIds);
  if (fraction > 0 && heldOutIds < length + 1) throw tooShort('held-out', heldOutIds);

  const windowAt = (start: number, batch: WindowBatch) => {
    batch.inputs.push(Array.from(ids.subarray(start, start + length)));
    batch.targets.push(Array.from(ids.subarray(start + 1, start + length + 1)));
  };

  return {
    trainIds,
    heldOutIds,
    trainBatch(step, micro = 0) {
      checkInteger('trainBatch.step', step, 0);
      checkInteger('trainBatch.micro', micro, 0);
      const random = mulberry32(mixSeed(mixSeed(seed, step), micro));
      const batch: WindowBatch = { inputs: [], targets: [] };
      // Starts in [0, trainIds - length - 1]: the window's last target is the last training id at most.
      for (let b = 0; b < batchSize; b++) windowAt(Math.floor(random() * (trainIds - length)), batch);
      return batch;
    },
    heldOutBatches(batchOptions = {}) {
      if (heldOutIds === 0) {
        throw new InvalidTrainingArgumentError(
          'tokenWindows.heldOutFraction',
          'is 0, so there are no held-out ids to evaluate on',
        );
      }
      const maxBatches = batchOptions.maxBatches;
      if (maxBatches !== undefined) checkInteger('heldOutBatches.maxBatches', maxBatches, 1);
      const tiles = Math.floor((heldOutIds - 1) / length);
      // Whole batches only, so every batch weighs the same in the mean; one short batch if that is all there is.
      const full = Math.floor(tiles / batchSize);
      const batches = full === 0 ? 1 : Math.min(full, maxBatches ?? full);
      const count = full === 0 ? tiles : batches * batchSize;
      const result: WindowBatch[] = [];
      for (let i = 0; i < count; i++) {
        if (i % batchSize === 0) result.push({ inputs: [], targets: [] });
        const tile = Math.floor((i * tiles) / count); // evenly spread when fewer than all tiles are used
        windowAt(trainIds + tile * length, result[result.length - 1] as WindowBatch);
      }
      return result;
    },
  };
}

function checkedIds(ids: ArrayLike<number>): Int32Array {
  if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
    throw new InvalidTrainingArgumentError('tokenWindows.ids', 'expected an array of token ids');
  }
  const copy = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw new InvalidTrainingArgumentError(
        'tokenWindows.ids',
        `ids[${i}] is ${String(id)}, expected an integer id >= 0`,
      );
    }
    copy[i] = id;
  }
  return copy;
}
