import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteUpdateError } from './errors.js';

/**
 * @internal Whether the last update left every parameter it changed finite. A finite loss and gradient can still
 * give non-finite weights (a learning rate of 1e39 overflows them), and a checkpoint must never hold those. The
 * flag is a device scalar, `Σ_p Σ (p · 0)`: 0 when every value is finite, NaN otherwise (0 · ±Inf and 0 · NaN
 * are NaN). It costs two elementwise ops per updated parameter and no read of its own: the next update reads it
 * with its loss (see {@link UpdateCheck.take}), and a save or the end of training reads it first
 * ({@link UpdateCheck.confirm}).
 */
export class UpdateCheck {
  #flag: tf.Scalar | undefined;
  #step = 0;
  #lr = 0;

  /** Records the check of update `step` (1-based) with learning rate `lr`, which changed `params`. */
  afterUpdate(step: number, lr: number, params: tf.Tensor[]): void {
    this.#flag?.dispose();
    this.#flag = tf.tidy(() =>
      params.length === 0 ? tf.scalar(0) : (tf.addN(params.map((p) => tf.sum(tf.mul(p, 0)))) as tf.Scalar),
    );
    this.#step = step;
    this.#lr = lr;
  }

  /** The pending flag (0 when there is none), for the caller to read with its own values and dispose. */
  take(): tf.Scalar {
    const flag = this.#flag ?? tf.scalar(0);
    this.#flag = undefined;
    return flag;
  }

  /** Throws {@link NonFiniteUpdateError} when `value`, a flag read from {@link UpdateCheck.take}, is not 0. */
  verify(value: number): void {
    if (value !== 0) throw new NonFiniteUpdateError(this.#step, this.#lr);
  }

  /** Reads and verifies the pending flag, if any. */
  async confirm(): Promise<void> {
    const flag = this.take();
    const [value] = await flag.data();
    flag.dispose();
    this.verify(value as number);
  }

  /** Frees the pending flag. */
  dispose(): void {
    this.#flag?.dispose();
    this.#flag = undefined;
  }
}
