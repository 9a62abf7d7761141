import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, trainableOf } from './check-gradients.js';
import type { NamedGradients } from './clip.js';
import { checkInteger, checkNumber, checkOptions, InvalidTrainingArgumentError } from './errors.js';

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

/** Optimizer state as plain data: the update counts and the two moment tensors per parameter that has state. */
export interface AdamWState {
  /** Number of {@link AdamW.applyGradients} calls so far. */
  step: number;
  /**
   * Per parameter with state, the updates that gave it a gradient: the `t` of its bias correction (PyTorch's
   * per-parameter `state["step"]`). Absent in states saved before the counts were kept per parameter; then every
   * parameter with moments gets `step`, which is what the optimizer used for all of them at the time.
   */
  parameterSteps?: Record<string, number>;
  /**
   * First moments keyed `exp_avg.<param>` and second moments keyed `exp_avg_sq.<param>` (PyTorch's names), for
   * the parameters that have had a gradient.
   */
  moments: Record<string, tf.Tensor>;
}

/** The state of one parameter: its moments and its update count. */
interface ParamState {
  m: tf.Variable;
  v: tf.Variable;
  t: number;
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
 * for every parameter that has a gradient `g` in the update. As in PyTorch, the state (`m`, `v`, `t`) is kept
 * per parameter and created, zeroed, at its first gradient, so `t` counts the updates that gave *that* parameter
 * a gradient: a parameter first trained late (a head added or unfrozen mid-run) starts with the full bias
 * correction of `t = 1` instead of a partial one (at a global `t = 20` with beta2 = 0.95, its first steps would be
 * about 0.45 lr). Parameters without a gradient are left alone: no decay, moments and `t` unchanged.
 *
 * Every parameter of `params` may take part: the `trainable` flags are read at each update, so a parameter
 * frozen when the optimizer is made can be unfrozen later (`setTrainable`), and a frozen one keeps its state.
 *
 * The optimizer holds one `m` and one `v` variable per parameter with state; call {@link AdamW.dispose} when done.
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
  /** By parameter name, for the parameters that have had a gradient (or were restored with state). */
  #state = new Map<string, ParamState>();
  #step = 0;

  /** An optimizer for `params`; no state is allocated until a parameter's first gradient. */
  constructor(params: Record<string, tf.Variable>, options: AdamWOptions = {}) {
    checkOptions('optimizer', options);
    this.beta1 = checkNumber('optimizer.beta1', options.beta1 ?? 0.9, 0, 0.999999);
    this.beta2 = checkNumber('optimizer.beta2', options.beta2 ?? 0.95, 0, 0.999999);
    this.epsilon = checkNumber('optimizer.epsilon', options.epsilon ?? 1e-8, 0);
    this.weightDecay = checkNumber('optimizer.weightDecay', options.weightDecay ?? 0.1, 0);
    const decay = options.decay ?? ((_name: string, param: tf.Variable) => param.rank >= 2);
    if (typeof decay !== 'function') {
      throw new InvalidTrainingArgumentError(
        'optimizer.decay',
        `expected a function (name, param) => boolean, got ${describeValue(decay)}`,
      );
    }
    this.#params = params;
    this.#decayed = new Set(
      Object.entries(params).flatMap(([name, param]) => (decay(name, param) ? [name] : [])),
    );
  }

  /** Number of {@link AdamW.applyGradients} calls so far. */
  get step(): number {
    return this.#step;
  }

  /** A copy of the update counts of the parameters that have state (see {@link AdamWState.parameterSteps}). */
  get parameterSteps(): Record<string, number> {
    return Object.fromEntries([...this.#state].map(([name, { t }]) => [name, t]));
  }

  /** Names of the parameters that receive weight decay (when they have a gradient). */
  get decayedParams(): string[] {
    return [...this.#decayed];
  }

  /**
   * Applies one update with learning rate `lr`. `grads` may omit parameters (they are left unchanged, moments and
   * update count included) but may only name parameters that are trainable now, each with its parameter's
   * shape. A parameter's state is created at its first gradient. Gradients are not disposed.
   */
  applyGradients(grads: NamedGradients, lr: number): void {
    checkNumber('learningRate', lr, 0);
    checkGradients(grads, trainableOf(this.#params), 'grads');
    this.#step += 1;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = this.#params[name] as tf.Variable;
        const state = this.#stateOf(name, p);
        state.t += 1;
        const stepSize = lr / (1 - this.beta1 ** state.t);
        const sqrtCorrection2 = Math.sqrt(1 - this.beta2 ** state.t);
        const mNew = tf.add(tf.mul(state.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(state.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        // PyTorch's arrangement: p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps).
        const denom = tf.add(tf.div(tf.sqrt(vNew), sqrtCorrection2), this.epsilon);
        const decayed = this.#decayed.has(name) ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(tf.div(mNew, denom), stepSize)));
        state.m.assign(mNew);
        state.v.assign(vNew);
      }
    });
  }

  /**
   * Copies of the moments and the update counts of every parameter with state, for checkpoints. The caller
   * disposes the returned tensors.
   */
  getState(): AdamWState {
    const moments: Record<string, tf.Tensor> = {};
    for (const [name, { m, v }] of this.#state) {
      moments[`exp_avg.${name}`] = tf.clone(m);
      moments[`exp_avg_sq.${name}`] = tf.clone(v);
    }
    return { step: this.#step, parameterSteps: this.parameterSteps, moments };
  }

  /**
   * Replaces the state with one from {@link AdamW.getState} (or a checkpoint), as PyTorch's `load_state_dict`:
   * the parameters it has moments for get them and their counts, whether trainable now or not; the others lose
   * any state they had and start fresh at their next gradient. Moments come in pairs shaped like their parameter;
   * `parameterSteps`, when given, has a count (at most `step`) for exactly the parameters with moments (without
   * it, each gets `step`). Names of parameters this optimizer does not have are rejected, and a rejected state
   * changes nothing. The given tensors are copied, not taken over.
   */
  setState(state: AdamWState): void {
    const step = checkInteger('optimizer state step', state.step, 0);
    const names = this.#momentNames(state.moments);
    const counts = this.#checkParameterSteps(state.parameterSteps, names, step);
    const restored = new Map<string, ParamState>();
    for (const name of names) {
      // tidy is not needed: tf.variable copies the given tensor, which the caller keeps.
      restored.set(name, {
        m: tf.variable(state.moments[`exp_avg.${name}`] as tf.Tensor, false),
        v: tf.variable(state.moments[`exp_avg_sq.${name}`] as tf.Tensor, false),
        t: counts[name] as number,
      });
    }
    this.dispose();
    this.#state = restored;
    this.#step = step;
  }

  /** Frees the moment variables (the optimizer then has no state). The parameters are not touched. */
  dispose(): void {
    for (const { m, v } of this.#state.values()) tf.dispose([m, v]);
    this.#state.clear();
  }

  /** The state of `name`, created with zero moments and `t = 0` at its first gradient. */
  #stateOf(name: string, param: tf.Variable): ParamState {
    let state = this.#state.get(name);
    if (state === undefined) {
      state = {
        m: tf.variable(tf.zerosLike(param), false),
        v: tf.variable(tf.zerosLike(param), false),
        t: 0,
      };
      this.#state.set(name, state);
    }
    return state;
  }

  /** The parameters `moments` holds state for, checked: known names, both moments, the parameter's shape. */
  #momentNames(moments: Record<string, tf.Tensor>): string[] {
    const names = new Set<string>();
    for (const key of Object.keys(moments)) {
      const name = /^exp_avg(?:_sq)?\.(.*)$/.exec(key)?.[1];
      if (name === undefined || !Object.hasOwn(this.#params, name)) {
        throw new InvalidTrainingArgumentError('optimizer state', `unknown moment ${describeValue(key)}`);
      }
      names.add(name);
    }
    for (const name of names) {
      const shape = (this.#params[name] as tf.Variable).shape;
      for (const key of [`exp_avg.${name}`, `exp_avg_sq.${name}`]) {
        const value = moments[key];
        if (value === undefined) {
          throw new InvalidTrainingArgumentError('optimizer state', `missing moment "${key}"`);
        }
        if (!tf.util.arraysEqual(value.shape, shape) || value.dtype !== 'float32') {
          throw new InvalidTrainingArgumentError(
            'optimizer state',
            `moment "${key}" is ${value.dtype} [${value.shape}], the parameter float32 [${shape}]`,
          );
        }
      }
    }
    return [...names];
  }

  /** The count of each of `names`: from `given`, checked, or `step` for every one when there is none. */
  #checkParameterSteps(
    given: Record<string, number> | undefined,
    names: string[],
    step: number,
  ): Record<string, number> {
    if (given === undefined) return Object.fromEntries(names.map((name) => [name, step]));
    for (const name of Object.keys(given)) {
      if (!names.includes(name)) {
        throw new InvalidTrainingArgumentError(
          'optimizer state parameterSteps',
          Object.hasOwn(this.#params, name)
            ? `"${name}" has a count but no moments`
            : `"${name}" is not a parameter of this optimizer`,
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
}
