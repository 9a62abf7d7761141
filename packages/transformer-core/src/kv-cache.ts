import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';

/**
 * Keys and values of one attention layer, `[B, nHeads, S, headDim]` each, held as one tensor per kind. A forward
 * attends over `concat(cached, new)` anyway, so that concatenation becomes the stored tensor: a decoding step
 * copies the layer once instead of re-concatenating one chunk per earlier step, and the cache holds exactly two
 * tensors per layer whatever the number of steps.
 *
 * This is safe under a gradient tape: tfjs records, for each op, clones of the tensors its gradient needs (see
 * `kv-cache.test.ts`, which checks that this still holds), so the stored tensor a taped forward replaces may be
 * disposed while the tape still differentiates through it, exactly as `tf.grads` itself disposes every
 * intermediate of its forward pass before running the backward one.
 *
 * Writes are staged: {@link LayerCache.extend} returns the extended keys and values at once, but they replace the
 * stored ones only when the {@link KVCache} commits the whole forward that made them.
 */
class LayerCache {
  private k?: tf.Tensor4D;
  private v?: tf.Tensor4D;
  private staged?: { k: tf.Tensor4D; v: tf.Tensor4D };

  /** Cached positions (committed writes only). */
  get length(): number {
    return this.k?.shape[2] ?? 0;
  }

  /** `[B, nHeads, headDim]` of the stored keys, or `undefined` while the layer is empty. */
  get geometry(): [number, number, number] | undefined {
    if (this.k === undefined) return undefined;
    const [B, H, , D] = this.k.shape;
    return [B, H, D];
  }

  /** The stored keys and values (committed writes only), for inspection; `undefined` while empty. */
  get contents(): { k: tf.Tensor4D; v: tf.Tensor4D } | undefined {
    return this.k && this.v ? { k: this.k, v: this.v } : undefined;
  }

  /**
   * All keys and values, the cached ones followed by `kNew`, `vNew` (`[B, nHeads, T, headDim]`), staged to become
   * this layer's contents when the forward commits.
   */
  extend(kNew: tf.Tensor4D, vNew: tf.Tensor4D): { k: tf.Tensor4D; v: tf.Tensor4D } {
    if (this.staged !== undefined) {
      throw new ModelError('CACHE_INVALID', 'internal: a KV cache layer was written twice in one forward');
    }
    const k = this.k ? (tf.concat([this.k, kNew], 2) as tf.Tensor4D) : kNew;
    const v = this.v ? (tf.concat([this.v, vNew], 2) as tf.Tensor4D) : vNew;
    this.staged = { k: tf.keep(k), v: tf.keep(v) };
    return this.staged;
  }

  commit(): void {
    if (this.staged === undefined) return;
    this.k?.dispose();
    this.v?.dispose();
    ({ k: this.k, v: this.v } = this.staged);
    this.staged = undefined;
  }

  discard(): void {
    this.staged?.k.dispose();
    this.staged?.v.dispose();
    this.staged = undefined;
  }

  truncate(length: number): void {
    if (length >= this.length) return;
    const keep = (t: tf.Tensor4D | undefined) => {
      if (t === undefined || length === 0) return undefined;
      const [B, H, , D] = t.shape;
      return tf.keep(tf.slice(t, [0, 0, 0, 0], [B, H, length, D]));
    };
    const [k, v] = [keep(this.k), keep(this.v)];
    this.dispose();
    this.k = k;
    this.v = v;
  }

  dispose(): void {
    this.discard();
    this.k?.dispose();
    this.v?.dispose();
    this.k = undefined;
    this.v = undefined;
  }
}

// What a KVCache holds, and the operations only the model's own calls may use (writing layers, advancing the
// position count, committing or discarding a call's writes). It is kept outside the class, in a WeakMap, so that
// neither the public type nor the object a user holds reaches it: `cache.advance(3)` would otherwise desynchronise
// the position count from the layers.
class CacheState {
  private readonly layers = new Map<string, LayerCache>();
  private inCall = false;
  /** Positions the trunk has processed (committed calls only, but see {@link CacheState.atomically}). */
  positions = 0;

  /** The cache of the attention layer named `name` (e.g. `blocks.0`), created on first use. */
  layer(name: string): LayerCache {
    let layer = this.layers.get(name);
    if (layer === undefined) {
      layer = new LayerCache();
      this.layers.set(name, layer);
    }
    return layer;
  }

  /** The cache of the layer named `name` if it exists, without creating it. */
  peek(name: string): LayerCache | undefined {
    return this.layers.get(name);
  }

  /** Names of the layers that have a cache, in order of first use. */
  layerNames(): string[] {
    return [...this.layers.keys()];
  }

  /** Records that the trunk has processed `count` more positions (undone if the call throws). */
  advance(count: number): void {
    this.positions += count;
  }

  /**
   * Runs one model call's writes as a unit: when `call` returns, every staged layer write is committed; when it
   * throws, every staged write is discarded and the position count restored. Nested calls (the trunk and heads
   * inside `forward`) join the outermost one.
   */
  atomically<R>(call: () => R): R {
    if (this.inCall) return call();
    this.inCall = true;
    const positions = this.positions;
    const layersBefore = new Set(this.layers.keys());
    try {
      const result = call();
      for (const layer of this.layers.values()) layer.commit();
      return result;
    } catch (error) {
      for (const [name, layer] of this.layers) {
        layer.discard();
        if (!layersBefore.has(name)) this.layers.delete(name);
      }
      this.positions = positions;
      throw error;
    } finally {
      this.inCall = false;
    }
  }

  /** Keeps the first `length` positions of every layer (`length` already checked). */
  truncate(length: number): void {
    for (const layer of this.layers.values()) layer.truncate(length);
    this.positions = length;
  }

  dispose(): void {
    for (const layer of this.layers.values()) layer.dispose();
    this.layers.clear();
    this.positions = 0;
  }
}

const states = new WeakMap<KVCache, CacheState>();

/**
 * Key/value cache for incremental decoding. Pass the same cache to successive `forward` calls: each call
 * attends over everything cached and appends its own positions. `truncate(n)` rolls back to the first `n`
 * positions (speculative decoding rejects drafted tokens this way). A cache belongs to one model and batch
 * size; the caller owns it and must `dispose()` it.
 *
 * A call that uses the cache changes it all at once or not at all: `forward`, `trunk` and `head` check the
 * cache against their input before running and discard every write of a call that throws. Only those calls
 * write to it: its contents are not reachable from outside the package.
 */
export class KVCache {
  /** An empty cache. */
  constructor() {
    states.set(this, new CacheState());
  }

  /** Number of positions the trunk has processed into this cache; the next forward starts at this position. */
  get length(): number {
    return cacheState(this).positions;
  }

  /**
   * Rolls the cache back to its first `length` positions, for every layer and head.
   *
   * @throws {ModelError} when `length` is negative, fractional or larger than {@link KVCache.length}.
   */
  truncate(length: number): void {
    const state = cacheState(this);
    if (!Number.isInteger(length) || length < 0 || length > state.positions) {
      throw new ModelError(
        'CACHE_INVALID',
        `KVCache.truncate(length): length must be an integer in [0, ${state.positions}] (got ${describeValue(length)})`,
      );
    }
    state.truncate(length);
  }

  /** Frees every cached tensor; the cache is empty afterwards and can be reused. */
  dispose(): void {
    cacheState(this).dispose();
  }
}

/**
 * The internals of `cache`, for the model's calls and for tests; not exported from the package, so a user's cache
 * changes only through `forward`, `trunk`, `head` and the public methods.
 */
export function cacheState(cache: KVCache): CacheState {
  const state = states.get(cache);
  if (state === undefined) {
    throw new ModelError('CACHE_INVALID', 'kvCache must be a KVCache made by `new KVCache()`');
  }
  return state;
}

export type { CacheState, LayerCache };
