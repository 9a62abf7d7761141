import * as tf from '@tensorflow/tfjs-core';
import { checkStates, isEmbeddingsInput } from '../input-checks.js';
import type { ForwardInput, TokenIds, TransformerModel } from '../model.js';
import { trainableOf } from '../train/check-gradients.js';
import type { NamedGradients } from '../train/clip.js';
import { InvalidTrainingArgumentError } from '../train/errors.js';
import type { GradientRunOptions } from './head-gradients.js';
import { discardAbandonedTape, outsideTape } from './tape.js';

/** What the `upstream` callback of {@link trunkVjp} returns. */
export interface TrunkUpstream<R extends tf.TensorContainer> {
  /** The upstream gradient dy = ∂L/∂z, shaped like z (`[B, T, dModel]`). */
  dz: tf.Tensor;
  /** Anything to hand back to the caller of `trunkVjp` (losses, head gradients); its tensors survive the call. */
  result: R;
}

/** Options of {@link trunkVjp}. */
export interface TrunkVjpOptions<R extends tf.TensorContainer> {
  /** The model whose trunk is differentiated. */
  model: TransformerModel;
  /** Token ids `[B, T]`, or `{ inputsEmbeds }` in their place, as for `model.forward`. */
  input: ForwardInput;
  /** Options for the trunk (dropout switch and seed, per-call inputs). */
  run?: GradientRunOptions;
  /**
   * Called once with the trunk output z (`[B, T, dModel]`) between the trunk's forward and backward passes;
   * returns the upstream gradient to push back through the trunk. It runs with the trunk's tape set aside:
   * whatever it computes is a constant to the trunk's backward, and gradients it takes (`headGradients`,
   * `tf.grads`) run on tapes of their own, freed as they finish. `z` is valid only during the call.
   */
  upstream: (z: tf.Tensor3D) => TrunkUpstream<R>;
}

/** Result of {@link trunkVjp}; the caller owns (and disposes) every tensor. */
export interface TrunkVjp<R extends tf.TensorContainer> {
  /**
   * The vector–Jacobian product dzᵀ·∂z/∂θ by weight name, for every trainable weight the trunk reaches: the
   * trunk blocks, `pos_emb.weight`, and `tok_emb.weight` when the input is token ids.
   */
  grads: NamedGradients;
  /**
   * When the input is `{ inputsEmbeds }`: the vector–Jacobian product dzᵀ·∂z/∂x with respect to those embeddings,
   * `[B, T, dModel]`, the gradient to pass on to whatever made them (Coconut's fed-back hidden states). Absent for
   * token ids, whose embedding gradient is `grads['tok_emb.weight']`.
   */
  dInputsEmbeds?: tf.Tensor3D;
  /** The `result` the upstream callback returned (its tensors, now owned by the caller). */
  result: R;
}

/**
 * Runs `embed → trunk` once, hands the trunk output z to `upstream`, and pushes the upstream gradient it returns
 * back through the trunk: a vector–Jacobian product with dy = dz, without running the trunk a second time. With
 * input embeddings x it also returns dzᵀ·∂z/∂x (`dInputsEmbeds`).
 *
 * Why a callback rather than a handle with `.backward(dz)`: tfjs keeps a tape only for the duration of one
 * `gradients` call, so the trunk's backward has to happen before that call returns. Inside it the trunk's output
 * feeds a custom-gradient op whose gradient is the `dz` the upstream computed; the trunk's recorded tape then
 * runs backward from there.
 *
 * @throws {InvalidTrainingArgumentError} when no weight is trainable or `dz` does not have z's shape.
 * @throws {ModelError} for inputs the model rejects.
 */
export function trunkVjp<R extends tf.TensorContainer>(options: TrunkVjpOptions<R>): TrunkVjp<R> {
  const { model, input, run = {}, upstream } = options;
  const trainable = Object.entries(trainableOf(model.params));
  if (trainable.length === 0) throw new InvalidTrainingArgumentError('params', 'no trainable weights');
  const embeds = isEmbeddingsInput(input) ? input.inputsEmbeds : undefined;
  // Checked here, not only by the trunk: the tape takes them as an input to differentiate with respect to.
  if (embeds) checkStates(embeds, model.config.dModel, 'inputsEmbeds');
  // Tensor ids grow in creation order: tensors with ids from here on were made during this call.
  const marker = tf.scalar(0);
  const firstNewId = marker.id;
  marker.dispose();
  let kept: tf.Tensor[] = [];
  let result: R | undefined;
  try {
    const { value, grads } = tf.engine().gradients(
      () => {
        const x = embeds ?? model.embed(input as TokenIds);
        const z = model.trunk(x, run).output;
        const up = outsideTape(() => upstream(z));
        if (!(up.dz instanceof tf.Tensor) || !tf.util.arraysEqual(up.dz.shape, z.shape)) {
          throw new InvalidTrainingArgumentError(
            'upstream',
            `dz must be a tensor of z's shape [${z.shape}], got ${up.dz instanceof tf.Tensor ? `[${up.dz.shape}]` : String(up.dz)}`,
          );
        }
        // The result's new tensors must outlive this forward scope, which frees everything else made in it.
        kept = tensorsIn(up.result)
          .filter((t) => t.id >= firstNewId)
          .map((t) => tf.keep(t));
        result = up.result;
        return withGradient(z, up.dz);
      },
      [...trainable.map(([, v]) => v), ...(embeds ? [embeds] : [])],
      undefined,
      true, // heads' weights are not on the trunk's path
    );
    value.dispose();
    const named: NamedGradients = {};
    trainable.forEach(([name], k) => {
      const g = grads[k];
      if (g != null) named[name] = g;
    });
    // Hand the kept tensors over as ordinary ones, so an enclosing tf.tidy of the caller can free them.
    const owned = new Map(kept.map((t) => [t.id, tf.clone(t)]));
    tf.dispose(kept);
    const handed = { grads: named, result: replaceTensors(result as R, owned) };
    const dInputsEmbeds = embeds && (grads[trainable.length] as tf.Tensor3D);
    return dInputsEmbeds ? { ...handed, dInputsEmbeds } : handed;
  } catch (error) {
    tf.dispose(kept);
    discardAbandonedTape();
    throw error;
  }
}

// A scalar (0) whose gradient with respect to `x` is `dx`: the trunk's backward starts from the upstream dz.
function withGradient(x: tf.Tensor, dx: tf.Tensor): tf.Scalar {
  const op = tf.customGrad((_x, save) => {
    // Saved so dx outlives the forward scope until the backward pass reads it.
    (save as tf.GradSaveFunc)([dx]);
    return {
      value: tf.zeros([]) as tf.Scalar,
      gradFunc: (dy, [savedDx]) => tf.mul(savedDx as tf.Tensor, dy),
    };
  });
  return op(x) as tf.Scalar;
}

// Every tensor in a container of arrays and plain objects.
function tensorsIn(container: tf.TensorContainer): tf.Tensor[] {
  if (container instanceof tf.Tensor) return [container];
  if (container === null || typeof container !== 'object') return [];
  return Object.values(container).flatMap((item) => tensorsIn(item as tf.TensorContainer));
}

// The container with each tensor replaced by its entry in `by` (same structure, new arrays and objects).
function replaceTensors<R extends tf.TensorContainer>(container: R, by: Map<number, tf.Tensor>): R {
  if (container instanceof tf.Tensor) return (by.get(container.id) ?? container) as R;
  if (Array.isArray(container)) return container.map((item) => replaceTensors(item, by)) as R;
  if (container === null || typeof container !== 'object') return container;
  return Object.fromEntries(
    Object.entries(container).map(([key, item]) => [key, replaceTensors(item as tf.TensorContainer, by)]),
  ) as R;
}
