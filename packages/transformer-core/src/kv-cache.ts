import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';

/**
 * Keys and values of one attention layer, `[B, nHeads, T, headDim]` each, held as the chunks appended by
 * successive forwards. Chunks are concatenated when read instead of merged when written, so a cached forward
 * run under a gradient tape keeps every chunk it read alive and differentiable until the cache is disposed.
 */
class LayerCache {
  private keys: tf.Tensor4D[] = [];
  private values: tf.Tensor4D[] = [];

  get length(): number {
    return this.keys.reduce((sum, k) => sum + (k.shape[2] ?? 0), 0);
  }

  /** Stores `k`, `v` (`[B, nHeads, T, headDim]`) and returns all cached keys and values including them. */
  append(k: tf.Tensor4D, v: tf.Tensor4D): { k: tf.Tensor4D; v: tf.Tensor4D } {
    const batch = this.keys[0]?.shape[0];
    if (batch !== undefined && batch !== k.shape[0]) {
      throw new ModelError(
        'CACHE_INVALID',
        `KV cache holds batch size ${batch}, but the input has ${k.shape[0]}`,
      );
    }
    this.keys.push(tf.keep(k));
    this.values.push(tf.keep(v));
    return { k: concatChunks(this.keys), v: concatChunks(this.values) };
  }

  truncate(length: number): void {
    if (length >= this.length) return;
    const keep = (chunks: tf.Tensor4D[]): tf.Tensor4D[] => {
      if (length === 0) return [];
      const whole = concatChunks(chunks);
      const [B, H, , D] = whole.shape;
      const kept = tf.keep(tf.slice(whole, [0, 0, 0, 0], [B, H, length, D]));
      if (chunks.length > 1) whole.dispose();
      return [kept];
    };
    const [keys, values] = [keep(this.keys), keep(this.values)];
    this.dispose();
    this.keys = keys;
    this.values = values;
  }

  dispose(): void {
    for (const t of [...this.keys, ...this.values]) t.dispose();
    this.keys = [];
    this.values = [];
  }
}

function concatChunks(chunks: tf.Tensor4D[]): tf.Tensor4D {
  const [first] = chunks;
  if (first === undefined) throw new ModelError('CACHE_INVALID', 'internal: read of an empty KV cache layer');
  return chunks.length === 1 ? first : tf.concat(chunks, 2);
}

/**
 * Key/value cache for incremental decoding. Pass the same cache to successive `forward` calls: each call
 * attends over everything cached and appends its own positions. `truncate(n)` rolls back to the first `n`
 * positions (speculative decoding rejects drafted tokens this way). A cache belongs to one model and batch
 * size; the caller owns it and must `dispose()` it.
 */
export class KVCache {
  private readonly layers = new Map<string, LayerCache>();
  private positions = 0;

  /** Number of positions the trunk has processed into this cache; the next forward starts at this position. */
  get length(): number {
    return this.positions;
  }

  /**
   * Rolls the cache back to its first `length` positions, for every layer and head.
   *
   * @throws {ModelError} when `length` is negative, fractional or larger than {@link KVCache.length}.
   */
  truncate(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.positions) {
      throw new ModelError(
        'CACHE_INVALID',
        `KVCache.truncate(length): length must be an integer in [0, ${this.positions}] (got ${length})`,
      );
    }
    for (const layer of this.layers.values()) layer.truncate(length);
    this.positions = length;
  }

  /** Frees every cached tensor; the cache is empty afterwards and can be reused. */
  dispose(): void {
    for (const layer of this.layers.values()) layer.dispose();
    this.layers.clear();
    this.positions = 0;
  }

  /** @internal The cache of the attention layer named `name` (e.g. `blocks.0`), created on first use. */
  layer(name: string): LayerCache {
    let layer = this.layers.get(name);
    if (layer === undefined) {
      layer = new LayerCache();
      this.layers.set(name, layer);
    }
    return layer;
  }

  /** @internal Records that the trunk has processed `count` more positions. */
  advance(count: number): void {
    this.positions += count;
  }
}

export type { LayerCache };
