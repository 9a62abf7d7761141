export { TokenizerError, type TokenizerErrorCode, type TokenizerErrorDetails } from './errors.js';
export type { BpeSource, ByteLevelBpe } from './models/bpe.js';
export type { CharModel } from './models/char.js';
export type { AnyModel, TokenModel } from './models/model.js';
export { BYTE_TO_CHAR, GPT2_SPLIT_PATTERN } from './pre-tokenize/byte-level.js';
export {
  type LoadGpt2FilesOptions,
  loadGpt2Files,
  loadTokenizer,
  MAX_TOKENIZER_FILE_BYTES,
  saveTokenizer,
} from './serialize/files.js';
export { fromGpt2Files, type Gpt2FilesOptions } from './serialize/gpt2-files.js';
export {
  type FromHfJsonOptions,
  fromHfJson,
  type HfAddedToken,
  type HfBpeModel,
  type HfByteLevel,
  type HfFuse,
  type HfTokenizerJson,
  toHfJson,
} from './serialize/hf-json.js';
export {
  type AddedToken,
  type AddedTokenMatch,
  AddedTokens,
  DEFAULT_SPECIAL_TOKENS,
} from './special-tokens.js';
export {
  type BatchEncoding,
  type DecodeOptions,
  type EncodeBatchOptions,
  type EncodeOptions,
  type EncodesToExactlyOptions,
  Tokenizer,
} from './tokenizer.js';
export { type TrainBpeOptions, trainBpe } from './train/bpe.js';
export { type CharTokenizerOptions, createCharTokenizer } from './train/char.js';
export type { TrainProgress } from './train/progress.js';
