import * as tf from '@tensorflow/tfjs-core';
import { InvalidTrainingArgumentError } from './errors.js';

/**
 * Training batches: a function of the 0-based update index and micro-batch index (resumes exactly, nothing to
 * replay), or an iterable consumed in order (on resume, the batches already used are skipped by drawing them).
 * Either is called inside the update's tensor scope, so tensors it creates are freed after the step; tensors it
 * returns that were made outside (a fixed batch) are left alone.
 */
export type BatchSource<B> = ((step: number, micro: number) => B) | Iterable<B>;

/** @internal The trainer's view of a {@link BatchSource}. */
export interface BatchReader<B> {
  /** The micro-batches of update `step`. */
  update(step: number, microBatches: number): UpdateBatches<B>;
  /** Items drawn so far from an iterable source (0 for a function source). */
  consumed(): number;
}

/** @internal The micro-batches of one update. */
export interface UpdateBatches<B> {
  /** Micro-batch `micro`; an iterable source must be read in order, each micro-batch once. */
  read(micro: number): B;
  /** Draws what an iterable source still owes this update, so every update consumes `microBatches` items. */
  finish(): void;
}

/** @internal Reads `source`, skipping the `skip` items an interrupted run already drew from an iterable. */
export function batchReader<B>(source: BatchSource<B>, skip: number): BatchReader<B> {
  if (typeof source === 'function') {
    return {
      update: (step, microBatches) => ({
        read: (micro) => source(step, checkMicro(micro, microBatches)),
        finish: () => undefined,
      }),
      consumed: () => 0,
    };
  }
  if (source === null || typeof source !== 'object' || !(Symbol.iterator in source)) {
    throw new InvalidTrainingArgumentError(
      'batches',
      'expected a function (step, micro) => batch or an iterable',
    );
  }
  const iterator = source[Symbol.iterator]();
  let consumed = 0;
  const draw = (): B => {
    const item = iterator.next();
    if (item.done === true) {
      throw new InvalidTrainingArgumentError('batches', `the iterable ran out after ${consumed} batches`);
    }
    consumed += 1;
    return item.value;
  };
  // Replay what the interrupted run consumed. Each skipped batch is made inside tidy so its tensors are freed.
  for (let i = 0; i < skip; i++) tf.tidy(() => void draw());
  return {
    update: (_step, microBatches) => {
      let drawn = 0;
      return {
        read: (micro) => {
          if (checkMicro(micro, microBatches) !== drawn) {
            throw new InvalidTrainingArgumentError(
              'gradients',
              `batch(${micro}): an iterable batch source is read in order, each micro-batch once; ` +
                `micro-batch ${drawn} is next`,
            );
          }
          drawn += 1;
          return draw();
        },
        finish: () => {
          for (; drawn < microBatches; drawn++) draw();
        },
      };
    },
    consumed: () => consumed,
  };
}

function checkMicro(micro: number, microBatches: number): number {
  if (!Number.isInteger(micro) || micro < 0 || micro >= microBatches) {
    throw new InvalidTrainingArgumentError(
      'gradients',
      `batch(${micro}): expected a micro-batch index in [0, ${microBatches})`,
    );
  }
  return micro;
}
