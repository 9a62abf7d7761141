import * as tf from '@tensorflow/tfjs-core';
import { DataParallelError } from './errors.js';

/** Where each named tensor lives in one flat float32 buffer (the order both sides of a transfer agree on). */
export interface FlatLayout {
  names: string[];
  shapes: number[][];
  offsets: number[];
  size: number;
}

/** The layout of `tensors` in their key order. */
export function flatLayout(tensors: Record<string, tf.Tensor>): FlatLayout {
  const names = Object.keys(tensors);
  const shapes = names.map((name) => (tensors[name] as tf.Tensor).shape);
  const offsets: number[] = [];
  let size = 0;
  for (const name of names) {
    offsets.push(size);
    size += (tensors[name] as tf.Tensor).size;
  }
  return { names, shapes, offsets, size };
}

/** Copies every tensor's values into `out` at its layout offset. */
export function writeFlat(tensors: Record<string, tf.Tensor>, layout: FlatLayout, out: Float32Array): void {
  layout.names.forEach((name, i) => {
    out.set((tensors[name] as tf.Tensor).dataSync() as Float32Array, layout.offsets[i]);
  });
}

/**
 * Tensors viewed from `flat` by layout (new tensors; the caller owns them): every one, or with `reached` only
 * those whose flag is set.
 */
export function readFlat(
  flat: Float32Array,
  layout: FlatLayout,
  reached?: Uint8Array,
): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  layout.names.forEach((name, i) => {
    if (reached !== undefined && reached[i] === 0) return;
    const shape = layout.shapes[i] as number[];
    const start = layout.offsets[i] as number;
    out[name] = tf.tensor(flat.slice(start, start + shape.reduce((a, b) => a * b, 1)), shape, 'float32');
  });
  return out;
}

/** Throws unless `tensors` has exactly the layout's names and shapes, naming the first difference. */
export function checkLayout(tensors: Record<string, tf.Tensor>, layout: FlatLayout, where: string): void {
  const names = Object.keys(tensors);
  if (names.join('\n') !== layout.names.join('\n')) {
    throw new DataParallelError(
      'REPLICA_MISMATCH',
      `${where}: parameter names differ from the main replica's (${names.length} vs ${layout.names.length})`,
    );
  }
  layout.names.forEach((name, i) => {
    const shape = (tensors[name] as tf.Tensor).shape.join('×');
    const expected = (layout.shapes[i] as number[]).join('×');
    if (shape !== expected)
      throw new DataParallelError(
        'REPLICA_MISMATCH',
        `${where}: "${name}" has shape ${shape}, the main replica ${expected}`,
      );
  });
}

/**
 * Where one shard's gradient goes: the flat gradient (layout order) and, per parameter, whether the shard's loss
 * reached it (1) or not (0). A worker's live in SharedArrayBuffers the main thread reads.
 */
export interface ShardGradients {
  grads: Float32Array;
  reached: Uint8Array;
}

/** Buffers for one shard's gradient under `layout`, over `grads` and `reached` (plain memory by default). */
export function shardGradients(
  layout: FlatLayout,
  grads: ArrayBufferLike = new ArrayBuffer(layout.size * 4),
  reached: ArrayBufferLike = new ArrayBuffer(layout.names.length),
): ShardGradients {
  return { grads: new Float32Array(grads), reached: new Uint8Array(reached) };
}

/**
 * Computes `loss`'s gradient with respect to `params` (in layout order), writes it into `out` (zeros, and a
 * cleared `reached` flag, for parameters the loss does not reach) and returns the loss value. Leaves no tensors
 * behind.
 */
export function writeLossGradients(
  loss: () => tf.Scalar,
  params: Record<string, tf.Variable>,
  layout: FlatLayout,
  out: ShardGradients,
): number {
  const vars = layout.names.map((name) => params[name] as tf.Variable);
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    layout.names.forEach((_, i) => {
      // Absent when the loss does not reach the variable, null when it is not trainable.
      const g = grads[(vars[i] as tf.Variable).name];
      const offset = layout.offsets[i] as number;
      out.reached[i] = g == null ? 0 : 1;
      if (g == null) out.grads.fill(0, offset, offset + (vars[i] as tf.Variable).size);
      else out.grads.set(g.dataSync() as Float32Array, offset);
    });
    return value.dataSync()[0] as number;
  });
}
