import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from './clip.js';
import { checkInteger, checkNumber, InvalidTrainingArgumentError } from './errors.js';

/** Options of {@link AdamW}. Defaults follow nanoGPT's GPT-2 recipe. */
export interface AdamWOptions {
  /**
   * First-moment decay (beta1).
   * @default 0.9
   */
  beta1?: number;
  /**
   * Second-moment decay (beta2); nanoGPT uses 0.95 rather than PyTorch's 0.999 for small-batch stability.
   * @default 0.95
   */
  beta2?: number;
  /**
   * Added to `sqrt(v_hat)` to keep the update bounded where the second moment is tiny.
   * @default 1e-8
   */
  epsilon?: number;
  /**
   * Decoupled weight decay: each update also shrinks decayed parameters by `lr * weightDecay * p`.
   * @default 0.1
   */
  weightDecay?: number;
  /**
   * Which parameters get weight decay. The default follows nanoGPT: every parameter of rank >= 2 (matmul
   * weights and embeddings) decays; biases and norm gains (rank 1) do not.
   * @default (name, param) => param.rank >= 2
   */
  decay?: (name: string, param: tf.Variable) => boolean;
}

/** Optimizer state as plain data: the update count and the two moment tensors per parameter. */
export interface AdamWState {
  /** Number of updates applied so far (the `t` of the bias correction). */
  step: number;
  /** First moments keyed `exp_avg.<param>` and second moments keyed `exp_avg_sq.<param>` (PyTorch's names). */
  moments: Record<string, tf.Tensor>;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019; PyTorch's `torch.optim.AdamW`). tfjs ships only
 * Adam, whose L2 penalty goes through the adaptive denominator; here decay is applied to the parameter directly:
 *
 *     p <- p * (1 - lr * wd)
 *     m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
 *     p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * The optimizer holds one `m` and one `v` variable per parameter; call {@link AdamW.dispose} when done.
 */
export class AdamW {
  /** First-moment decay in use. */
  readonly beta1: number;
  /** Second-moment decay in use. */
  readonly beta2: number;
  /** Denominator epsilon in use. */
  readonly epsilon: number;
  /** Decoupled weight decay in use (applied to {@link AdamW.decayedParams} only). */
  readonly weightDecay: number;
  readonly #params: Record<string, tf.Variable>;
  readonly #decayed: ReadonlySet<string>;
  readonly #m: Record<string, tf.Variable> = {};
  readonly #v: Record<string, tf.Variable> = {};
  #step = 0;

  /** Creates zeroed moments for every trainable parameter in `params`. */
  constructor(params: Record<string, tf.Variable>, options: AdamWOptions = {}) {
    this.beta1 = checkNumber('optimizer.beta1', options.beta1 ?? 0.9, 0, 0.999999);
    this.beta2 = checkNumber('optimizer.beta2', options.beta2 ?? 0.95, 0, 0.999999);
    this.epsilon = checkNumber('optimizer.epsilon', options.epsilon ?? 1e-8, 0);
    this.weightDecay = checkNumber('optimizer.weightDecay', options.weightDecay ?? 0.1, 0);
    const decay = options.decay ?? ((_name: string, param: tf.Variable) => param.rank >= 2);
    this.#params = params;
    const decayed = new Set<string>();
    for (const [name, param] of Object.entries(params)) {
      if (!param.trainable) continue;
      if (decay(name, param)) decayed.add(name);
      // tidy frees the zero initial values; the variables survive it.
      tf.tidy(() => {
        this.#m[name] = tf.variable(tf.zerosLike(param), false);
        this.#v[name] = tf.variable(tf.zerosLike(param), false);
      });
    }
    this.#decayed = decayed;
  }

  /** Number of updates applied so far. */
  get step(): number {
    return this.#step;
  }

  /** Names of the parameters that receive weight decay. */
  get decayedParams(): string[] {
    return [...this.#decayed];
  }

  /**
   * Applies one update with learning rate `lr`. `grads` may omit parameters (they are left unchanged, moments
   * included) but may not name unknown ones. Gradients are not disposed.
   */
  applyGradients(grads: NamedGradients, lr: number): void {
    checkNumber('learningRate', lr, 0);
    for (const name of Object.keys(grads)) {
      if (!(name in this.#m)) {
        throw new InvalidTrainingArgumentError(
          'grads',
          `"${name}" is not a trainable parameter of this optimizer`,
        );
      }
    }
    this.#step += 1;
    const t = this.#step;
    const stepSize = lr / (1 - this.beta1 ** t);
    const sqrtCorrection2 = Math.sqrt(1 - this.beta2 ** t);
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = this.#params[name] as tf.Variable;
        const m = this.#m[name] as tf.Variable;
        const v = this.#v[name] as tf.Variable;
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        // PyTorch's arrangement: p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps).
        const denom = tf.add(tf.div(tf.sqrt(vNew), sqrtCorrection2), this.epsilon);
        const decayed = this.#decayed.has(name) ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(tf.div(mNew, denom), stepSize)));
        m.assign(mNew);
        v.assign(vNew);
      }
    });
  }

  /** Copies of the moments and the update count, for checkpoints. The caller disposes the returned tensors. */
  getState(): AdamWState {
    const moments: Record<string, tf.Tensor> = {};
    for (const name of Object.keys(this.#m)) {
      moments[`exp_avg.${name}`] = tf.clone(this.#m[name] as tf.Variable);
      moments[`exp_avg_sq.${name}`] = tf.clone(this.#v[name] as tf.Variable);
    }
    return { step: this.#step, moments };
  }

  /**
   * Restores a state from {@link AdamW.getState} (or a checkpoint). Every trainable parameter needs both moments
   * with its shape; unknown names are rejected. The given tensors are copied, not taken over.
   */
  setState(state: AdamWState): void {
    checkInteger('optimizer state step', state.step, 0);
    const expected = new Set<string>();
    for (const name of Object.keys(this.#m)) {
      expected.add(`exp_avg.${name}`);
      expected.add(`exp_avg_sq.${name}`);
    }
    for (const key of Object.keys(state.moments)) {
      if (!expected.has(key)) {
        throw new InvalidTrainingArgumentError('optimizer state', `unknown moment "${key}"`);
      }
    }
    for (const [name, m] of Object.entries(this.#m)) {
      for (const [key, target] of [
        [`exp_avg.${name}`, m],
        [`exp_avg_sq.${name}`, this.#v[name] as tf.Variable],
      ] as const) {
        const value = state.moments[key];
        if (value === undefined) {
          throw new InvalidTrainingArgumentError('optimizer state', `missing moment "${key}"`);
        }
        if (!tf.util.arraysEqual(value.shape, target.shape)) {
          throw new InvalidTrainingArgumentError(
            'optimizer state',
            `moment "${key}" has shape [${value.shape}], parameter has [${target.shape}]`,
          );
        }
      }
    }
    for (const [name, m] of Object.entries(this.#m)) {
      m.assign(state.moments[`exp_avg.${name}`] as tf.Tensor);
      (this.#v[name] as tf.Variable).assign(state.moments[`exp_avg_sq.${name}`] as tf.Tensor);
    }
    this.#step = state.step;
  }

  /** Frees the moment variables. The parameters are not touched. */
  dispose(): void {
    for (const v of [...Object.values(this.#m), ...Object.values(this.#v)]) v.dispose();
  }
}
