import { describeValue } from '@beyond-ntp/errors';
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionContext, causalMask, paddingMask } from './attention.js';
import { requireBackend } from './backend-check.js';
import {
  type AttentionMaskInput,
  type PositionIdsInput,
  readAttentionMask,
  readPositionIds,
} from './batch-inputs.js';
import { block } from './block.js';
import { type ModelConfig, type ModelConfigInput, parseModelConfig } from './config.js';
import { ModelError } from './errors.js';
import {
  checkHeadIndex,
  checkHeadList,
  checkStates,
  checkTokenIds,
  invalidInput,
  isEmbeddingsInput,
  optionsObject,
} from './input-checks.js';
import { KERNELS, type KernelMode, type Kernels } from './kernels/index.js';
import { cacheState, type KVCache } from './kv-cache.js';
import { type HeadParams, initParams, type ModelParams } from './params.js';
import { mixSeed, mulberry32 } from './random.js';
import { type RopeAngles, type RopeTables, ropeAngles, ropeTables } from './rope.js';

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /**
   * Seed of the weight initialisation (same seed → same weights) and of the dropout stream used when a
   * training call passes no seed of its own.
   * @default 0
   */
  seed?: number;
  /**
   * `fast`: custom-gradient kernels that train on every backend and keep wasm on its fast matmul path.
   * `reference`: stock tfjs ops and gradients (no embedding gradient on wasm's gather, so a one-hot matmul
   * there), for checking the fast path and measuring what it buys. Both compute the same function.
   * @default 'fast'
   */
  kernels?: KernelMode;
  /**
   * Refuse a config with more weights than this, before allocating any (see `modelParameterCount`).
   * @default DEFAULT_MAX_PARAMETERS (10^9)
   */
  maxParameters?: number;
}

/** Options shared by every piece that runs attention or dropout. */
export interface RunOptions {
  /**
   * Attend over the positions in this cache and append the new ones to it (incremental decoding). Inputs then
   * start at position `kvCache.length`. A call that throws leaves the cache exactly as it was.
   * @default undefined (no cache: inputs start at position 0)
   */
  kvCache?: KVCache;
  /**
   * Which of the cached + new positions hold real tokens, `[B, S]` with `S = kvCache.length + T`: 1 = real,
   * 0 = padding that no query attends to (Hugging Face's `attention_mask`). Outputs at padding positions are finite
   * but meaningless. Position ids are not derived from it: pass `positionIds` too when padding shifts the tokens
   * (left padding). With a mask that has any 0, attention runs as stock tfjs ops instead of the fused kernel.
   * @default undefined (every position is real)
   */
  attentionMask?: AttentionMaskInput;
  /**
   * Position of each new token within its own sequence, `[B, T]` integers in `[0, contextLength)`: which learned
   * position embedding is added, or which RoPE rotation is applied. For a left-padded row, real tokens count
   * from 0 after the padding (the value at padding positions does not matter; 0 is customary).
   * @default undefined (`kvCache.length + t` for the t-th new position of every row)
   */
  positionIds?: PositionIdsInput;
  /**
   * Apply dropout (`config.dropout`).
   * @default false
   */
  training?: boolean;
  /**
   * Seed of this call's dropout masks when training: same seed → same masks. Without one, each training call
   * draws the next seed from the model's own stream (seeded by `createModel`).
   * @default undefined
   */
  seed?: number;
}

/** Options of {@link TransformerModel.trunk}. */
export interface TrunkOptions extends RunOptions {
  /**
   * Also return the residual stream after the input embedding and after every trunk block (see {@link HiddenState}).
   * @default false
   */
  returnHiddenStates?: boolean;
}

/** Options of {@link TransformerModel.forward}. */
export interface ForwardOptions extends TrunkOptions {
  /**
   * Which heads to run, each at most once; `logits[j]` belongs to `heads[j]`. Head 0 predicts the next token,
   * head i the token i + 1 positions ahead.
   * @default [0]
   */
  heads?: number[];
}

/**
 * One named residual-stream tensor `[B, T, dModel]`, before the final norm `ln_f`:
 * - `embed`: the trunk's input, i.e. the token embedding (or `inputsEmbeds`) plus learned positions, after dropout;
 * - `blocks.<l>`: the output of trunk block `l` (the last one is the trunk output z, the input of every head);
 * - `heads.<i>`: the output of head `i` (its transformer block, or its linear map for linear heads), the tensor
 *   `unembed` turns into head i's logits.
 *
 * (A type rather than an interface, so that lists of states are `tf.TensorContainer`s: `tf.dispose(states)`.)
 */
export type HiddenState = {
  /** `embed`, `blocks.<l>` or `heads.<i>`. */
  name: HiddenStateName;
  /** The state, `[B, T, dModel]`. */
  tensor: tf.Tensor3D;
};

/** The name of a {@link HiddenState}: `embed`, `blocks.<l>` for trunk block l, or `heads.<i>` for head i. */
export type HiddenStateName = 'embed' | `blocks.${number}` | `heads.${number}`;

/** Result of {@link TransformerModel.trunk}. The caller owns (and must dispose) every tensor. */
export interface TrunkOutput {
  /** Trunk output z, `[B, T, dModel]`, the input of every head. */
  output: tf.Tensor3D;
  /** With `returnHiddenStates`: `embed`, then `blocks.0` … `blocks.<L-1>` for the L trunk blocks. */
  hiddenStates?: HiddenState[];
}

/** Result of {@link TransformerModel.forward}. The caller owns (and must dispose) every tensor. */
export interface ForwardOutput {
  /** `[B, T, vocabSize]` per requested head, in the order of `options.heads`. */
  logits: tf.Tensor3D[];
  /**
   * With `returnHiddenStates`: the trunk's states (`embed`, `blocks.0`, …) followed by `heads.<i>` for every
   * requested head in the order of `options.heads`, whatever the head type. For a one-head transformer-head model
   * that is `nLayers + 1` states, the layout of Hugging Face's `output_hidden_states` except that the last one is
   * not normalised (apply {@link TransformerModel.finalNorm} for that).
   */
  hiddenStates?: HiddenState[];
}

/**
 * Token ids, each in `[0, vocabSize)`: an int32 tensor `[B, T]` or nested arrays.
 *
 * Arrays are checked on the host: a bad id throws `ModelError` (`INPUT_INVALID`) before anything runs. A tensor is
 * not read back (a device read per call would stall the GPU backends at every step); instead a few elementwise
 * ops on the ids make the embedding of an id outside `[0, vocabSize)` NaN, and with it the logits at its position
 * and at every later position of its row (a loss turns NaN, so `train` stops with `NonFiniteLossError`; sampling
 * throws on the NaN logits). Backends whose gather reads the ids anyway (cpu, and wasm above 256 tokens) throw
 * their own error first. Padding positions count too: pad with a valid id (`leftPad`'s `padId`), not -1.
 */
export type TokenIds = tf.Tensor2D | number[][];

/**
 * Input of {@link TransformerModel.forward}: token ids (see {@link TokenIds} for how an out-of-range id in a tensor
 * is reported), or input embeddings `[B, T, dModel]` in their place.
 */
export type ForwardInput =
  | TokenIds
  | {
      /** Input embeddings `[B, T, dModel]` used in place of `embed(ids)` (learned positions are still added). */
      inputsEmbeds: tf.Tensor3D;
    };

// What one call's attention layers share: where its positions sit and which keys are padding. Built (and
// validated) once per public call, before anything touches the KV cache.
interface CallContext {
  /** Sequence index of the first new position (cached positions before it). */
  offset: number;
  /** Per-row position ids `[B, T]`, when given. */
  positionIds?: tf.Tensor2D;
  rope?: RopeAngles;
  padding?: tf.Tensor4D;
  /** The causal mask of this call's positions, built by the first layer that needs it. */
  mask: () => tf.Tensor2D;
  dispose(): void;
}

/**
 * Creates a decoder-only transformer with freshly initialised weights.
 *
 * @throws {ConfigError} when the config is invalid or larger than `options.maxParameters`.
 * @throws {ModelError} `INPUT_INVALID` when an option is invalid; `BACKEND_MISSING` when no TensorFlow.js
 * backend is registered (call `initBackend()`).
 */
export function createModel(config: ModelConfigInput, options: CreateModelOptions = {}): TransformerModel {
  const { seed = 0, kernels = 'fast', maxParameters } = optionsObject(options, 'createModel');
  if (!Number.isSafeInteger(seed))
    invalidInput(`createModel: seed must be an integer (got ${describeValue(seed)})`);
  if (kernels !== 'fast' && kernels !== 'reference') {
    invalidInput(`createModel: kernels must be 'fast' or 'reference' (got ${describeValue(kernels)})`);
  }
  const parsed = parseModelConfig(config, { maxParameters });
  requireBackend();
  return new TransformerModel(parsed, seed, kernels);
}

/**
 * A decoder-only transformer: `embed → trunk → head(i) → unembed`, each step callable on its own. Tensors it
 * returns belong to the caller; the weights belong to the model until {@link TransformerModel.dispose}.
 */
export class TransformerModel {
  /** The validated configuration, defaults filled; JSON-serialisable. */
  readonly config: ModelConfig;
  /** Every weight under its checkpoint name (see `docs/transformer-core.md`), in a stable order. */
  readonly params: Record<string, tf.Variable>;
  private readonly p: ModelParams;
  private readonly rope?: RopeTables;
  private readonly dropoutSeeds: () => number;
  private readonly kernels: Kernels;

  /** Use {@link createModel}, which validates the config. */
  constructor(config: ModelConfig, seed: number, kernels: KernelMode = 'fast') {
    this.config = config;
    this.kernels = KERNELS[kernels];
    const { named, tree } = initParams(config, seed);
    this.params = named;
    this.p = tree;
    const headDim = config.dModel / config.nHeads;
    if (config.positional === 'rope') this.rope = ropeTables(config.contextLength, headDim, config.ropeBase);
    const stream = mulberry32(mixSeed(seed, 0x0d0d));
    this.dropoutSeeds = () => Math.floor(stream() * 2 ** 32);
  }

  /**
   * Token embeddings `[B, T, dModel]` of `ids` (no positions: those are added by {@link TransformerModel.trunk}).
   * An id of a tensor outside `[0, vocabSize)` gets a NaN embedding (see {@link TokenIds}).
   */
  embed(ids: TokenIds): tf.Tensor3D {
    const idTensor = this.toIds(ids);
    try {
      return tf.tidy(() => {
        const [B, T] = idTensor.shape;
        const flat = tf.reshape(idTensor, [B * T]) as tf.Tensor1D;
        let rows = this.kernels.embedLookup(this.p.tokEmb, flat); // [B·T, dModel]
        // Arrays were checked on the host; a caller's tensor is not read back, so its bad ids are marked instead.
        if (idTensor === ids) rows = tf.add(rows, nanWhereOutOfRange(flat, this.config.vocabSize));
        return tf.reshape(rows, [B, T, this.config.dModel]);
      });
    } finally {
      if (idTensor !== ids) idTensor.dispose();
    }
  }

  /**
   * Runs the shared trunk on input embeddings `x` (`[B, T, dModel]`): adds learned positions, then applies the
   * trunk blocks. With a KV cache, positions start at `kvCache.length` and the cache grows by T.
   *
   * @throws {ModelError} before running, when `x`, the cache, `attentionMask` or `positionIds` do not fit.
   */
  trunk(x: tf.Tensor3D, options: TrunkOptions = {}): TrunkOutput {
    const [B, T] = checkStates(x, this.config.dModel, 'trunk input');
    const cache = options.kvCache;
    const offset = this.checkPositions(T, cache);
    if (cache) this.checkCache(cache, { batchSize: B, offset, trunk: true, heads: [] });
    return this.inCall([B, T, offset], options, (call) => this.runTrunk(x, call, options));
  }

  /**
   * Applies output head `i` to the trunk output `z` (`[B, T, dModel]`); returns `[B, T, dModel]`, before the
   * shared final norm. With a KV cache (already advanced by the trunk), head `i` must have run on every
   * earlier cached position; pass the same `attentionMask` and `positionIds` as to the trunk.
   *
   * @throws {ModelError} before running, when `i`, `z`, the cache, `attentionMask` or `positionIds` do not fit.
   */
  head(i: number, z: tf.Tensor3D, options: RunOptions = {}): tf.Tensor3D {
    const headParams = this.checkHead(i);
    const [B, T] = checkStates(z, this.config.dModel, `head ${i} input`);
    if (headParams.type === 'linear') return this.kernels.linear(z, headParams.weight);
    const cache = options.kvCache;
    const offset = cache ? cache.length - T : 0;
    if (cache) {
      if (offset < 0) {
        throw new ModelError(
          'CACHE_INVALID',
          `head ${i}: the KV cache holds ${cache.length} positions, fewer than the ${T} of this input; run the trunk with this cache first`,
        );
      }
      this.checkCache(cache, { batchSize: B, offset, trunk: false, heads: [i] });
    }
    return this.inCall([B, T, offset], options, (call) => this.runHead(i, z, call, options));
  }

  /** The shared final norm `ln_f` applied to a head output `h` (`[B, T, dModel]`). */
  finalNorm(h: tf.Tensor3D): tf.Tensor3D {
    return this.kernels.norm(h, this.p.lnF);
  }

  /** Logits `[B, T, vocabSize]` of a head output `h`: the shared final norm, then the shared unembedding. */
  unembed(h: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.kernels.linear(this.finalNorm(h), this.p.lmHead ?? this.p.tokEmb));
  }

  /**
   * `embed → trunk → head(i) → unembed` for each requested head, in one call. Every input, the KV cache (batch
   * size, length, every requested head's cached positions), `attentionMask` and `positionIds` are checked before
   * anything runs, and a call that throws leaves the cache exactly as it was.
   *
   * @throws {ModelError} (`INPUT_INVALID` or `CACHE_INVALID`) naming the argument at fault.
   */
  forward(input: ForwardInput, options: ForwardOptions = {}): ForwardOutput {
    const heads = checkHeadList(options.heads ?? [0], this.config.heads.count);
    const embeds = isEmbeddingsInput(input) ? input.inputsEmbeds : undefined;
    const ids = embeds ? undefined : this.toIds(input as TokenIds);
    try {
      const [B, T] = ids ? ids.shape : checkStates(embeds as tf.Tensor3D, this.config.dModel, 'inputsEmbeds');
      const cache = options.kvCache;
      const offset = this.checkPositions(T, cache);
      if (cache) this.checkCache(cache, { batchSize: B, offset, trunk: true, heads });
      return this.inCall([B, T, offset], options, (call) => {
        const runOptions = {
          ...options,
          seed: options.training ? (options.seed ?? this.dropoutSeeds()) : undefined,
        };
        return tf.tidy(() => {
          const x = embeds ?? this.embed(ids as tf.Tensor2D);
          const { output: z, hiddenStates } = this.runTrunk(x, call, runOptions);
          const logits = heads.map((i) => {
            const h = this.runHead(i, z, call, runOptions);
            hiddenStates?.push({ name: `heads.${i}`, tensor: h });
            return this.unembed(h);
          });
          return hiddenStates ? { logits, hiddenStates } : { logits };
        });
      });
    } finally {
      if (ids !== input) ids?.dispose();
    }
  }

  /**
   * Replaces every weight with the tensor of the same name (names and shapes as in {@link TransformerModel.params}).
   * The tensors are copied by reference-count; the caller may dispose them afterwards.
   *
   * @throws {ModelError} (code `WEIGHTS_INVALID`) naming missing, unknown, mis-shaped or non-float32 tensors;
   * no weight is changed in that case.
   */
  loadWeights(tensors: Record<string, tf.Tensor>): void {
    const problems: string[] = [];
    for (const [name, param] of Object.entries(this.params)) {
      const t = tensors[name];
      if (t === undefined) problems.push(`missing tensor "${name}" [${param.shape}]`);
      else if (!tf.util.arraysEqual(t.shape, param.shape)) {
        problems.push(`tensor "${name}" has shape [${t.shape}], expected [${param.shape}]`);
      } else if (t.dtype !== 'float32')
        problems.push(`tensor "${name}" has dtype ${t.dtype}, expected float32`);
    }
    for (const name of Object.keys(tensors)) {
      if (!(name in this.params))
        problems.push(`unknown tensor "${name}" (not a weight of this model config)`);
    }
    if (problems.length > 0) {
      throw new ModelError('WEIGHTS_INVALID', `cannot load weights: ${problems.join('; ')}`);
    }
    for (const [name, param] of Object.entries(this.params)) param.assign(tensors[name] as tf.Tensor);
  }

  /** Frees every weight and precomputed table. The model is unusable afterwards. */
  dispose(): void {
    for (const param of Object.values(this.params)) param.dispose();
    this.rope?.cos.dispose();
    this.rope?.sin.dispose();
  }

  // The trunk on validated inputs, inside the call's cache transaction (if any).
  private runTrunk(x: tf.Tensor3D, call: CallContext, options: TrunkOptions): TrunkOutput {
    const [B, T] = x.shape;
    const dropout = this.dropout(options, 0);
    const result = tf.tidy(() => {
      let h = x;
      if (this.p.posEmb) h = tf.add(h, this.learnedPositions(this.p.posEmb, call, B, T));
      h = dropout(h) as tf.Tensor3D;
      // The caller owns x; what this call returns must be tensors of its own.
      if (h === x) h = tf.clone(x);
      const hiddenStates: HiddenState[] = [{ name: 'embed', tensor: h }];
      this.p.blocks.forEach((blockParams, l) => {
        const name: HiddenStateName = `blocks.${l}`;
        h = block(h, blockParams, this.attentionContext(call, options.kvCache, name, dropout, options));
        hiddenStates.push({ name, tensor: h });
      });
      return options.returnHiddenStates ? { output: h, hiddenStates } : { output: h };
    });
    if (options.kvCache) cacheState(options.kvCache).advance(T);
    return result;
  }

  // Head i on validated inputs, inside the call's cache transaction (if any).
  private runHead(i: number, z: tf.Tensor3D, call: CallContext, options: RunOptions): tf.Tensor3D {
    const headParams = this.p.heads[i] as HeadParams;
    if (headParams.type === 'linear') return this.kernels.linear(z, headParams.weight);
    const dropout = this.dropout(options, 1 + i);
    const layerName = `heads.${i}`;
    return block(
      z,
      headParams.block,
      this.attentionContext(call, options.kvCache, layerName, dropout, options),
    );
  }

  // Learned position embeddings [B or 1, T, dModel]: a slice for consecutive positions, else rows gathered by the
  // kernel set's lookup, whose gradient trains on every backend (stock tf.gather's needs a kernel wasm lacks).
  private learnedPositions(table: tf.Tensor2D, call: CallContext, B: number, T: number): tf.Tensor {
    const d = this.config.dModel;
    if (call.positionIds === undefined) return tf.slice(table, [call.offset, 0], [T, d]);
    const rows = this.kernels.embedLookup(table, tf.reshape(call.positionIds, [B * T]) as tf.Tensor1D);
    return tf.reshape(rows, [B, T, d]);
  }

  // Runs `body` with the call's context (after validating attentionMask and positionIds) as one KV-cache
  // transaction: every cache write of the call takes effect when it returns, none if it throws.
  private inCall<R>(
    [B, T, offset]: [number, number, number],
    options: RunOptions,
    body: (call: CallContext) => R,
  ): R {
    const call = this.prepareCall(B, T, offset, options);
    try {
      const run = () => body(call);
      return options.kvCache ? cacheState(options.kvCache).atomically(run) : run();
    } finally {
      call.dispose();
    }
  }

  // Validates attentionMask and positionIds against [B, T] after `offset` cached positions, then builds their
  // tensors (the caller disposes them with `dispose()`).
  private prepareCall(B: number, T: number, offset: number, options: RunOptions): CallContext {
    const S = offset + T;
    const maskRows =
      options.attentionMask === undefined
        ? undefined
        : readAttentionMask(options.attentionMask, {
            rows: B,
            columns: S,
            columnsMean: `B = ${B}; S = ${offset} cached + ${T} new positions`,
          });
    const idRows =
      options.positionIds === undefined
        ? undefined
        : readPositionIds(
            options.positionIds,
            { rows: B, columns: T, columnsMean: `B = ${B}; T = ${T} new positions` },
            this.config.contextLength,
          );
    const padding = maskRows && paddingMask(maskRows);
    const positionIds = idRows && tf.tensor2d(idRows, [B, T], 'int32');
    const rope = this.rope && ropeAngles(this.rope, positionIds ?? offset, T);
    const owned: tf.Tensor[] = [padding, positionIds, rope?.cos, rope?.sin].filter((t) => t !== undefined);
    let mask: tf.Tensor2D | undefined;
    const causal = () => {
      // Kept out of the tidy scope of the layer that builds it: every layer of the call reads it.
      if (mask === undefined) {
        mask = tf.keep(causalMask(offset, T, S));
        owned.push(mask);
      }
      return mask;
    };
    return { offset, positionIds, rope, padding, mask: causal, dispose: () => tf.dispose(owned) };
  }

  private attentionContext(
    call: CallContext,
    cache: KVCache | undefined,
    layerName: string,
    dropout: (x: tf.Tensor) => tf.Tensor,
    options: RunOptions,
  ): AttentionContext {
    return {
      nHeads: this.config.nHeads,
      mask: call.mask,
      rope: call.rope,
      offset: call.offset,
      padding: call.padding,
      cache: cache && cacheState(cache).layer(layerName),
      dropout,
      dropoutActive: this.dropoutActive(options),
      kernels: this.kernels,
    };
  }

  private dropoutActive(options: RunOptions): boolean {
    return options.training === true && this.config.dropout > 0;
  }

  // Dropout for one piece of one call: each application draws a fresh mask from (call seed, piece, site).
  private dropout(options: RunOptions, piece: number): (x: tf.Tensor) => tf.Tensor {
    const rate = this.config.dropout;
    if (!this.dropoutActive(options)) return (x) => x;
    const pieceSeed = mixSeed(options.seed ?? this.dropoutSeeds(), piece);
    let site = 0;
    return (x) => tf.dropout(x, rate, undefined, mixSeed(pieceSeed, site++));
  }

  private checkHead(i: number): HeadParams {
    checkHeadIndex(i, this.config.heads.count);
    return this.p.heads[i] as HeadParams;
  }

  private checkPositions(T: number, cache: KVCache | undefined): number {
    const offset = cache?.length ?? 0;
    if (offset + T > this.config.contextLength) {
      invalidInput(
        `sequence too long: ${offset} cached + ${T} new positions exceed contextLength ${this.config.contextLength}`,
      );
    }
    return offset;
  }

  // Everything a cached call will read or extend must hold `offset` positions of this batch size and geometry.
  private checkCache(
    cache: KVCache,
    {
      batchSize,
      offset,
      trunk,
      heads,
    }: { batchSize: number; offset: number; trunk: boolean; heads: number[] },
  ): void {
    const { nHeads, dModel } = this.config;
    const headDim = dModel / nHeads;
    const headLayers =
      this.config.heads.type === 'transformer' ? heads.map((i) => ({ i, name: `heads.${i}` })) : [];
    const layers = [
      ...(trunk ? this.p.blocks.map((_, l) => ({ i: -1, name: `blocks.${l}` })) : []),
      ...headLayers,
    ];
    for (const { i, name } of layers) {
      const layer = cacheState(cache).peek(name);
      const [b, h, hd] = layer?.geometry ?? [batchSize, nHeads, headDim];
      if (b !== batchSize) {
        throw new ModelError(
          'CACHE_INVALID',
          `KV cache holds batch size ${b}, but the input has ${batchSize}`,
        );
      }
      if (h !== nHeads || hd !== headDim) {
        throw new ModelError(
          'CACHE_INVALID',
          `KV cache layer ${name} holds ${h} heads of width ${hd}, but this model has ${nHeads} heads of width ${headDim}; a cache belongs to one model`,
        );
      }
      const cached = layer?.length ?? 0;
      if (cached === offset) continue;
      throw new ModelError(
        'CACHE_INVALID',
        i >= 0
          ? `head ${i} has ${cached} cached positions but needs ${offset}: ${cachedBefore(cache, offset)}; run head ${i} in every forward that uses this cache`
          : `KV cache layer ${name} has ${cached} cached positions but the cache has ${offset}; a cache belongs to one model`,
      );
    }
  }

  private toIds(ids: TokenIds): tf.Tensor2D {
    if (ids instanceof tf.Tensor) {
      if (ids.rank !== 2 || ids.dtype !== 'int32') {
        invalidInput(`token ids must be an int32 tensor [B, T] (got ${ids.dtype} [${ids.shape}])`);
      }
      return ids;
    }
    const T = ids[0]?.length ?? 0;
    if (T === 0 || ids.some((row) => row.length !== T)) {
      invalidInput('token ids must be a non-empty [B, T] array with rows of equal length');
    }
    checkTokenIds(ids.flat(), this.config.vocabSize);
    return tf.tensor2d(ids, [ids.length, T], 'int32');
  }
}

// [N, 1]: NaN where an id lies outside [0, vocabSize), 0 elsewhere, from elementwise ops on the ids alone (no
// device read). Added to the looked-up rows it makes a bad id's embedding NaN, so no backend embeds it silently:
// wasm's one-hot lookup would give it a row of zeros. Adding 0 leaves every valid row, and its gradient, exact.
function nanWhereOutOfRange(ids: tf.Tensor1D, vocabSize: number): tf.Tensor2D {
  const outside = tf.logicalOr(tf.less(ids, 0), tf.greaterEqual(ids, vocabSize));
  return tf.expandDims(tf.where(outside, tf.fill(ids.shape, Number.NaN), tf.zeros(ids.shape)), 1);
}

// Where `offset` (the positions before this input) comes from: the whole cache for a call that runs the trunk, or
// all but the input's own positions for a head called alone after the trunk has advanced the cache.
function cachedBefore(cache: KVCache, offset: number): string {
  return cache.length === offset
    ? `the KV cache holds ${offset} positions before this input`
    : `the KV cache holds ${cache.length} positions and this input is the last ${cache.length - offset} of them`;
}
