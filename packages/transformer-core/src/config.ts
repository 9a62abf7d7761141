import { z } from 'zod';
import { ConfigError, type ConfigErrorOptions } from './errors.js';

// Every field's error message is its allowed range, so a ConfigError can say exactly what is wrong.
const intIn = (min: number, max: number) => {
  const allowed = `an integer in [${min}, ${max}]`;
  return z.int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
};
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.map((v) => `'${v}'`).join(', ')}` });

const schema = z.strictObject({
  /** Number of token ids; ids must lie in [0, vocabSize). */
  vocabSize: intIn(1, 1_048_576),
  /** Longest sequence (cached + new positions) the model can attend over. */
  contextLength: intIn(1, 65_536),
  /** Width of the residual stream. Must be divisible by `nHeads`. */
  dModel: intIn(1, 16_384),
  /**
   * Transformer blocks on the next-token path. With `heads.type: 'transformer'` the last of them is head 0,
   * so the shared trunk has `nLayers - 1` blocks: the multi-token paper's parameter matching, where a model
   * with n heads has as many blocks per prediction as the n = 1 baseline. With `'linear'` heads all
   * `nLayers` blocks are trunk.
   */
  nLayers: intIn(1, 1024),
  /** Attention heads per block; `dModel / nHeads` is the head width. */
  nHeads: intIn(1, 1024),
  /** MLP hidden width as a multiple of `dModel`; 4 as in GPT-2. `mlpRatio * dModel` must be an integer. */
  mlpRatio: z
    .number({ error: 'a number in (0, 64]' })
    .gt(0, { error: 'a number in (0, 64]' })
    .max(64, { error: 'a number in (0, 64]' })
    .default(4),
  /** `layernorm` (GPT-2) or `rmsnorm` (LLaMA: no bias, no mean subtraction). */
  norm: oneOf(['layernorm', 'rmsnorm']).default('layernorm'),
  /** `learned` absolute position embeddings (GPT-2) or rotary embeddings of queries and keys (RoPE). */
  positional: oneOf(['learned', 'rope']).default('learned'),
  /** RoPE frequency base, 10000 as in RoFormer. Unused with learned positions. */
  ropeBase: z.number({ error: 'a number > 1' }).gt(1, { error: 'a number > 1' }).default(10_000),
  /** Dropout probability on embeddings, attention weights and residual branches; applied only when training. */
  dropout: z
    .number({ error: 'a number in [0, 1)' })
    .min(0, { error: 'a number in [0, 1)' })
    .lt(1, { error: 'a number in [0, 1)' })
    .default(0),
  /** Use the token embedding as the unembedding (GPT-2, nanoGPT). The multi-token paper unties them. */
  tieEmbeddings: z.boolean({ error: 'true or false' }).default(true),
  /** Output heads: head 0 predicts token t+1, head i predicts token t+1+i. Default: one transformer head. */
  heads: z
    .strictObject({
      /** Number of heads; 1 for a plain next-token model. */
      count: intIn(1, 64).default(1),
      /** `transformer`: each head is one transformer block (the paper's default); `linear`: a dModel×dModel map. */
      type: oneOf(['linear', 'transformer']).default('transformer'),
    })
    .default({ count: 1, type: 'transformer' }),
});

/** A validated model configuration with every default filled; JSON-serialisable. */
export interface ModelConfig {
  /** Number of token ids; ids must lie in [0, vocabSize). */
  vocabSize: number;
  /** Longest sequence (cached + new positions) the model can attend over. */
  contextLength: number;
  /** Width of the residual stream; divisible by `nHeads`. */
  dModel: number;
  /**
   * Transformer blocks on the next-token path. With transformer heads the last of them is head 0 and the trunk
   * has `nLayers - 1` blocks; with linear heads all `nLayers` blocks are trunk.
   */
  nLayers: number;
  /** Attention heads per block; `dModel / nHeads` is the head width. */
  nHeads: number;
  /** MLP hidden width as a multiple of `dModel`. */
  mlpRatio: number;
  /** `layernorm` (GPT-2) or `rmsnorm` (no bias, no mean subtraction). */
  norm: 'layernorm' | 'rmsnorm';
  /** `learned` absolute position embeddings or rotary embeddings of queries and keys. */
  positional: 'learned' | 'rope';
  /** RoPE frequency base. */
  ropeBase: number;
  /** Dropout probability, applied only when training. */
  dropout: number;
  /** Whether the unembedding is the token embedding. */
  tieEmbeddings: boolean;
  /** Output heads: head 0 predicts token t+1, head i predicts token t+1+i. */
  heads: {
    /** Number of heads. */
    count: number;
    /** `transformer`: one transformer block per head; `linear`: one dModel×dModel map per head. */
    type: 'linear' | 'transformer';
  };
}

/** What {@link parseModelConfig} accepts: a {@link ModelConfig} whose defaulted fields may be omitted. */
export type ModelConfigInput = Pick<
  ModelConfig,
  'vocabSize' | 'contextLength' | 'dModel' | 'nLayers' | 'nHeads'
> &
  Partial<Omit<ModelConfig, 'heads'>> & {
    /** Output heads; defaults to one transformer head. */
    heads?: Partial<ModelConfig['heads']>;
  };

/**
 * Zod schema of a {@link ModelConfig}. Parsing fills defaults; the result is plain JSON (it is what a
 * checkpoint's `config.json` holds). Prefer {@link parseModelConfig}, which also checks the relations between
 * fields and turns failures into a {@link ConfigError} naming the field.
 */
export const modelConfigSchema: z.ZodType<ModelConfig, ModelConfigInput> = schema;

/**
 * Default of {@link ParseModelConfigOptions.maxParameters}: 10^9 weights, 4 GB of float32 (training needs about
 * four times that with gradients and AdamW moments). Every per-field limit can be met by a config of 3·10^12
 * parameters, so the total is checked before anything is allocated.
 */
export const DEFAULT_MAX_PARAMETERS = 1_000_000_000;

/**
 * Most elements one weight may have whatever `maxParameters` allows: 2^31 − 1, the largest tensor typed arrays
 * and the wasm backend can index.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** Options of {@link parseModelConfig}. */
export interface ParseModelConfigOptions extends ConfigErrorOptions {
  /**
   * Refuse a config with more weights than this (see {@link modelParameterCount}), before any is allocated.
   * @default DEFAULT_MAX_PARAMETERS (10^9)
   */
  maxParameters?: number;
}

/**
 * Validates a model config and fills defaults.
 *
 * @throws {ConfigError} naming the first invalid field and its allowed range (and `options.file`, if given).
 */
export function parseModelConfig(input: unknown, options: ParseModelConfigOptions = {}): ModelConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('(options)', 'an options object', options);
  }
  if (options.file !== undefined && typeof options.file !== 'string') {
    throw new ConfigError('(options).file', 'a file name', options.file);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('(config)', 'an object', input, options);
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue === undefined) throw new ConfigError('(config)', 'a valid model config', input, options);
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    const allowed = issue.code === 'unrecognized_keys' ? 'absent (not a config field)' : issue.message;
    throw new ConfigError(path.map(String).join('.') || '(config)', allowed, valueAt(input, path), options);
  }
  checkRelations(result.data, options);
  checkSize(result.data, options);
  return result.data;
}

/** What {@link modelParameterCount} counts. */
export interface ModelParameterCount {
  /** Weights (float32 elements) in total. */
  total: number;
  /** The largest single weight: the config field that sizes it, and its number of elements. */
  largest: {
    /** The config field that sizes it (`vocabSize` for the embeddings, `mlpRatio` for the MLP, …). */
    field: 'vocabSize' | 'contextLength' | 'dModel' | 'mlpRatio';
    /** Its number of elements. */
    elements: number;
  };
}

/**
 * The number of weights (float32 elements) of a model of `config`: embeddings, trunk blocks, heads, final norm
 * and, when untied, the unembedding, as `createModel` allocates them; and the largest single weight.
 */
export function modelParameterCount(config: ModelConfig): ModelParameterCount {
  const d = config.dModel;
  const norm = config.norm === 'layernorm' ? 2 * d : d;
  const hidden = config.mlpRatio * d;
  const block = 2 * norm + 4 * d * d + 2 * hidden * d;
  const transformerHeads = config.heads.type === 'transformer';
  const trunk = transformerHeads ? config.nLayers - 1 : config.nLayers;
  const embeddings = (config.tieEmbeddings ? 1 : 2) * config.vocabSize * d;
  const positions = config.positional === 'learned' ? config.contextLength * d : 0;
  const heads = config.heads.count * (transformerHeads ? block : d * d);
  const sizes = [
    { field: 'vocabSize', elements: config.vocabSize * d }, // tok_emb, lm_head
    { field: 'contextLength', elements: positions }, // pos_emb
    { field: 'dModel', elements: 3 * d * d }, // attn.qkv
    { field: 'mlpRatio', elements: hidden * d }, // mlp.fc, mlp.proj
  ] as const;
  const largest = sizes.reduce((a, b) => (b.elements > a.elements ? b : a));
  return { total: embeddings + positions + trunk * block + heads + norm, largest: { ...largest } };
}

// The total size, checked before anything is allocated: a config within every per-field range can still need
// terabytes, and a single tensor past 2^31 elements fails inside tfjs with a bare RangeError.
function checkSize(config: ModelConfig, options: ParseModelConfigOptions): void {
  const max = options.maxParameters ?? DEFAULT_MAX_PARAMETERS;
  if (typeof max !== 'number' || !(max >= 0)) {
    throw new ConfigError('maxParameters', 'a number >= 0', max, options);
  }
  const { total, largest } = modelParameterCount(config);
  const size = `${total} parameters (${(total * 4).toExponential(2)} bytes of float32)`;
  if (largest.elements > MAX_TENSOR_ELEMENTS) {
    throw new ConfigError(
      largest.field,
      `small enough that no weight exceeds ${MAX_TENSOR_ELEMENTS} elements (with dModel ${config.dModel}, one has ${largest.elements})`,
      config[largest.field],
      options,
    );
  }
  if (total > max) {
    throw new ConfigError(
      '(size)',
      `at most ${max} parameters (maxParameters; raise it to allow larger models)`,
      size,
      options,
    );
  }
}

// Constraints between fields, which the per-field schema cannot express.
function checkRelations(config: ModelConfig, options: ConfigErrorOptions): void {
  if (config.dModel % config.nHeads !== 0) {
    throw new ConfigError('nHeads', `a divisor of dModel (${config.dModel})`, config.nHeads, options);
  }
  if (config.positional === 'rope' && (config.dModel / config.nHeads) % 2 !== 0) {
    throw new ConfigError(
      'nHeads',
      `such that dModel / nHeads is even, for RoPE (dModel ${config.dModel})`,
      config.nHeads,
      options,
    );
  }
  if (!Number.isInteger(config.mlpRatio * config.dModel)) {
    throw new ConfigError(
      'mlpRatio',
      `such that mlpRatio * dModel (${config.dModel}) is an integer`,
      config.mlpRatio,
      options,
    );
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
