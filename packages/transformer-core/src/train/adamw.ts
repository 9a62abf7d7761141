import * as tf from '@tensorflow/tfjs-core';
import { checkGradients } from './check-gradients.js';
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

/** Optimizer state as plain data: the update counts and the two moment tensors per parameter. */
export interface AdamWState {
  /** Number of {@link AdamW.applyGradients} calls so far. */
  step: number;
  /**
   * Per trainable parameter, the updates that gave it a gradient: the `t` of its bias correction (PyTorch's
   * per-parameter `state["step"]`). Absent in states saved before the counts were kept per parameter; then every
   * parameter gets `step`, which is what the optimizer used for all of them at the time.
   */
  parameterSteps?: Record<string, number>;
  /** First moments keyed `exp_avg.<param>` and second moments keyed `exp_avg_sq.<param>` (PyTorch's names). */
  moments: Record<string, tf.Tensor>;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019; PyTorch's `torch.optim.AdamW`). tfjs ships only
 * Adam, whose L2 penalty goes through the adaptive denominator; here decay is applied to the parameter directly:
 *
 *     t <- t + 1
 *     p <- p * (1 - lr * wd)
 *     m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
 *     p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * for every parameter that has a gradient `g` in the update. As in PyTorch, `t` counts per parameter the updates
 * that gave *it* a gradient, so a parameter first trained late (a head added or unfrozen mid-run) starts with the
 * full bias correction of `t = 1` instead of a partial one (at a global `t = 20` with beta2 = 0.95, its first
 * steps would be about 0.45 lr). Parameters without a gradient are left alone, moments and `t` included.
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
  readonly #t: Record<string, number> = {};
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
      this.#t[name] = 0;
    }
    this.#decayed = decayed;
  }

  /** Number of {@link AdamW.applyGradients} calls so far. */
  get step(): number {
    return this.#step;
  }

  /** A copy of the per-parameter update counts (see {@link AdamWState.parameterSteps}). */
  get parameterSteps(): Record<string, number> {
    return { ...this.#t };
  }

  /** Names of the parameters that receive weight decay. */
  get decayedParams(): string[] {
    return [...this.#decayed];
  }

  /**
   * Applies one update with learning rate `lr`. `grads` may omit parameters (they are left unchanged, moments and
   * update count included) but may not name unknown ones, and each must have its parameter's shape. Gradients
   * are not disposed.
   */
  applyGradients(grads: NamedGradients, lr: number): void {
    checkNumber('learningRate', lr, 0);
    // The first moments have the parameters' shapes and exist for exactly the trainable ones.
    checkGradients(grads, this.#m, 'grads');
    this.#step += 1;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const t = (this.#t[name] as number) + 1;
        this.#t[name] = t;
        const stepSize = lr / (1 - this.beta1 ** t);
        const sqrtCorrection2 = Math.sqrt(1 - this.beta2 ** t);
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

  /** Copies of the moments and the update counts, for checkpoints. The caller disposes the returned tensors. */
  getState(): AdamWState {
    const moments: Record<string, tf.Tensor> = {};
    for (const name of Object.keys(this.#m)) {
      moments[`exp_avg.${name}`] = tf.clone(this.#m[name] as tf.Variable);
      moments[`exp_avg_sq.${name}`] = tf.clone(this.#v[name] as tf.Variable);
    }
    return { step: this.#step, parameterSteps: { ...this.#t }, moments };
  }

  /**
   * Restores a state from {@link AdamW.getState} (or a checkpoint). Every trainable parameter needs both moments
   * with its shape, and a count in `parameterSteps` when that is given (without it, every parameter gets `step`);
   * unknown names are rejected. The given tensors are copied, not taken over.
   */
  setState(state: AdamWState): void {
    const step = checkInteger('optimizer state step', state.step, 0);
    const parameterSteps = this.#checkParameterSteps(state.parameterSteps, step);
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
    Object.assign(this.#t, parameterSteps);
    this.#step = step;
  }

  /** The per-parameter counts to restore: `given`, checked against the parameters, or `step` for every one. */
  #checkParameterSteps(given: Record<string, number> | undefined, step: number): Record<string, number> {
    const names = Object.keys(this.#t);
    if (given === undefined) return Object.fromEntries(names.map((name) => [name, step]));
    for (const name of Object.keys(given)) {
      if (!(name in this.#t)) {
        throw new InvalidTrainingArgumentError(
          'optimizer state parameterSteps',
          `"${name}" is not a trainable parameter of this optimizer`,
        );
      }
    }
    for (const name of names) {
      const field = `optimizer state parameterSteps["${name}"]`;
      if (given[name] === undefined) throw new InvalidTrainingArgumentError(field, 'missing');
      // A parameter cannot have had a gradient in more updates than there were.
      if (checkInteger(field, given[name], 0) > step) {
        throw new InvalidTrainingArgumentError(
          field,
          `${given[name]} updates, more than the ${step} applied`,
        );
      }
    }
    return { ...given };
  }

  /** Frees the moment variables. The parameters are not touched. */
  dispose(): void {
    for (const v of [...Object.values(this.#m), ...Object.values(this.#v)]) v.dispose();
  }
}
