import * as tf from '@tensorflow/tfjs-core';
import { type AttentionContext, causalMask } from './attention.js';
import { block } from './block.js';
import { type ModelConfig, type ModelConfigInput, parseModelConfig } from './config.js';
import { ModelError } from './errors.js';
import { KERNELS, type KernelMode, type Kernels } from './kernels/index.js';
import type { KVCache } from './kv-cache.js';
import { type HeadParams, initParams, type ModelParams } from './params.js';
import { mixSeed, mulberry32 } from './random.js';
import { type RopeTables, ropeTables } from './rope.js';

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
}

/** Options shared by every piece that runs attention or dropout. */
export interface RunOptions {
  /**
   * Attend over the positions in this cache and append the new ones to it (incremental decoding). Inputs then
   * start at position `kvCache.length`.
   * @default undefined (no cache: inputs start at position 0)
   */
  kvCache?: KVCache;
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
   * Also return the residual stream after the input embedding and after every trunk block.
   * @default false
   */
  returnHiddenStates?: boolean;
}

/** Options of {@link TransformerModel.forward}. */
export interface ForwardOptions extends TrunkOptions {
  /**
   * Which heads to run; `logits[j]` belongs to `heads[j]`. Head 0 predicts the next token, head i the token
   * i + 1 positions ahead.
   * @default [0]
   */
  heads?: number[];
}

/** Result of {@link TransformerModel.trunk}. The caller owns (and must dispose) every tensor. */
export interface TrunkOutput {
  /** Trunk output z, `[B, T, dModel]`, the input of every head. */
  output: tf.Tensor3D;
  /** With `returnHiddenStates`: input embedding (+ learned positions) then the output of each trunk block. */
  hiddenStates?: tf.Tensor3D[];
}

/** Result of {@link TransformerModel.forward}. The caller owns (and must dispose) every tensor. */
export interface ForwardOutput {
  /** `[B, T, vocabSize]` per requested head, in the order of `options.heads`. */
  logits: tf.Tensor3D[];
  /**
   * With `returnHiddenStates`: the trunk's hidden states followed, for transformer heads when head 0 runs, by
   * head 0's block output. For a one-head model that is the input embedding plus one state per block
   * (`nLayers + 1` tensors of `[B, T, dModel]`), all before the final norm.
   */
  hiddenStates?: tf.Tensor3D[];
}

/** Token ids: an int32 tensor `[B, T]` or nested arrays. */
export type TokenIds = tf.Tensor2D | number[][];

/** Input of {@link TransformerModel.forward}: token ids, or input embeddings `[B, T, dModel]` in their place. */
export type ForwardInput =
  | TokenIds
  | {
      /** Input embeddings `[B, T, dModel]` used in place of `embed(ids)` (learned positions are still added). */
      inputsEmbeds: tf.Tensor3D;
    };

/**
 * Creates a decoder-only transformer with freshly initialised weights.
 *
 * @throws {ConfigError} when the config is invalid.
 */
export function createModel(config: ModelConfigInput, options: CreateModelOptions = {}): TransformerModel {
  return new TransformerModel(parseModelConfig(config), options.seed ?? 0, options.kernels ?? 'fast');
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
  private readonly mask: tf.Tensor2D;
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
    this.mask = causalMask(config.contextLength);
    const headDim = config.dModel / config.nHeads;
    if (config.positional === 'rope') this.rope = ropeTables(config.contextLength, headDim, config.ropeBase);
    const stream = mulberry32(mixSeed(seed, 0x0d0d));
    this.dropoutSeeds = () => Math.floor(stream() * 2 ** 32);
  }

  /** Token embeddings `[B, T, dModel]` of `ids` (no positions: those are added by {@link TransformerModel.trunk}). */
  embed(ids: TokenIds): tf.Tensor3D {
    const idTensor = this.toIds(ids);
    try {
      return tf.tidy(() => {
        const [B, T] = idTensor.shape;
        const rows = this.kernels.embedLookup(this.p.tokEmb, tf.reshape(idTensor, [B * T])); // [B·T, dModel]
        return tf.reshape(rows, [B, T, this.config.dModel]);
      });
    } finally {
      if (idTensor !== ids) idTensor.dispose();
    }
  }

  /**
   * Runs the shared trunk on input embeddings `x` (`[B, T, dModel]`): adds learned positions, then applies the
   * trunk blocks. With a KV cache, positions start at `kvCache.length` and the cache grows by T.
   */
  trunk(x: tf.Tensor3D, options: TrunkOptions = {}): TrunkOutput {
    const [B, T, d] = x.shape;
    if (d !== this.config.dModel || B < 1 || T < 1) {
      throw new ModelError(
        'INPUT_INVALID',
        `trunk input must be [B, T, ${this.config.dModel}] with B, T ≥ 1 (got [${x.shape}])`,
      );
    }
    const offset = this.checkPositions(T, options.kvCache);
    const dropout = this.dropout(options, 0);
    const result = tf.tidy(() => {
      let h = x;
      if (this.p.posEmb) h = tf.add(h, tf.slice(this.p.posEmb, [offset, 0], [T, d])); // [B, T, dModel]
      h = dropout(h) as tf.Tensor3D;
      const hiddenStates = [h];
      this.p.blocks.forEach((blockParams, l) => {
        h = block(
          h,
          blockParams,
          this.attentionContext(offset, options.kvCache, `blocks.${l}`, dropout, options),
        );
        hiddenStates.push(h);
      });
      return options.returnHiddenStates ? { output: h, hiddenStates } : { output: h };
    });
    options.kvCache?.advance(T);
    return result;
  }

  /**
   * Applies output head `i` to the trunk output `z` (`[B, T, dModel]`); returns `[B, T, dModel]`, before the
   * shared final norm. With a KV cache (already advanced by the trunk), head `i` must have run on every
   * earlier cached position.
   */
  head(i: number, z: tf.Tensor3D, options: RunOptions = {}): tf.Tensor3D {
    const headParams = this.checkHead(i);
    if (headParams.type === 'linear') return this.kernels.linear(z, headParams.weight);
    const cache = options.kvCache;
    const T = z.shape[1];
    const offset = cache ? cache.length - T : 0;
    const layerName = `heads.${i}`;
    const cached = cache?.layer(layerName).length;
    if (cached !== undefined && cached !== offset) {
      throw new ModelError(
        'CACHE_INVALID',
        `head ${i} has ${cached} cached positions but the trunk has ${offset} before this input; run head ${i} in every forward that uses this cache`,
      );
    }
    const dropout = this.dropout(options, 1 + i);
    return block(z, headParams.block, this.attentionContext(offset, cache, layerName, dropout, options));
  }

  /** The shared final norm `ln_f` applied to a head output `h` (`[B, T, dModel]`). */
  finalNorm(h: tf.Tensor3D): tf.Tensor3D {
    return this.kernels.norm(h, this.p.lnF);
  }

  /** Logits `[B, T, vocabSize]` of a head output `h`: the shared final norm, then the shared unembedding. */
  unembed(h: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.kernels.linear(this.finalNorm(h), this.p.lmHead ?? this.p.tokEmb));
  }

  /** `embed → trunk → head(i) → unembed` for each requested head, in one call. */
  forward(input: ForwardInput, options: ForwardOptions = {}): ForwardOutput {
    const heads = options.heads ?? [0];
    if (heads.length === 0)
      throw new ModelError('INPUT_INVALID', 'options.heads must name at least one head');
    for (const i of heads) this.checkHead(i); // before the trunk runs, so a bad index leaves the cache untouched
    const runOptions = {
      ...options,
      seed: options.training ? (options.seed ?? this.dropoutSeeds()) : undefined,
    };
    return tf.tidy(() => {
      const x = 'inputsEmbeds' in input ? input.inputsEmbeds : this.embed(input);
      const { output: z, hiddenStates } = this.trunk(x, runOptions);
      const logits = heads.map((i) => {
        const h = this.head(i, z, runOptions);
        if (hiddenStates && i === 0 && this.config.heads.type === 'transformer') hiddenStates.push(h);
        return this.unembed(h);
      });
      return hiddenStates ? { logits, hiddenStates } : { logits };
    });
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
    this.mask.dispose();
    this.rope?.cos.dispose();
    this.rope?.sin.dispose();
  }

  private attentionContext(
    offset: number,
    cache: KVCache | undefined,
    layerName: string,
    dropout: (x: tf.Tensor) => tf.Tensor,
    options: RunOptions,
  ): AttentionContext {
    return {
      nHeads: this.config.nHeads,
      mask: this.mask,
      rope: this.rope,
      offset,
      cache: cache?.layer(layerName),
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
    const headParams = this.p.heads[i];
    if (!Number.isInteger(i) || headParams === undefined) {
      throw new ModelError(
        'INPUT_INVALID',
        `head index must be an integer in [0, ${this.config.heads.count - 1}] (got ${i})`,
      );
    }
    return headParams;
  }

  private checkPositions(T: number, cache: KVCache | undefined): number {
    const offset = cache?.length ?? 0;
    if (offset + T > this.config.contextLength) {
      throw new ModelError(
        'INPUT_INVALID',
        `sequence too long: ${offset} cached + ${T} new positions exceed contextLength ${this.config.contextLength}`,
      );
    }
    return offset;
  }

  private toIds(ids: TokenIds): tf.Tensor2D {
    if (ids instanceof tf.Tensor) {
      if (ids.rank !== 2 || ids.dtype !== 'int32') {
        throw new ModelError(
          'INPUT_INVALID',
          `token ids must be an int32 tensor [B, T] (got ${ids.dtype} [${ids.shape}])`,
        );
      }
      return ids;
    }
    const T = ids[0]?.length ?? 0;
    const V = this.config.vocabSize;
    if (T === 0 || ids.some((row) => row.length !== T)) {
      throw new ModelError(
        'INPUT_INVALID',
        'token ids must be a non-empty [B, T] array with rows of equal length',
      );
    }
    for (const row of ids) {
      const bad = row.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
      if (bad !== undefined)
        throw new ModelError('INPUT_INVALID', `token id ${bad} is not an integer in [0, ${V})`);
    }
    return tf.tensor2d(ids, [ids.length, T], 'int32');
  }
}
