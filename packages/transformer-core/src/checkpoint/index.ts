export {
  type CheckpointData,
  checkpointDirName,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint.js';
export { CheckpointError, type CheckpointErrorCode } from './errors.js';
export { loadModelFromBlob, modelToBlob } from './model-blob.js';
export {
  CONFIG_METADATA_KEY,
  type ModelBytesOptions,
  modelFromSafetensors,
  modelToSafetensors,
} from './model-bytes.js';
export { type LoadModelOptions, loadModel, saveModel } from './model-files.js';
export {
  deleteModelFromIndexedDB,
  type IndexedDBOptions,
  type LoadModelFromIndexedDBOptions,
  listModelsInIndexedDB,
  loadModelFromIndexedDB,
  saveModelToIndexedDB,
} from './model-indexeddb.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  type RawTensor,
  SAFETENSORS_LIMITS,
  type SafetensorsContents,
  type SafetensorsDtype,
} from './safetensors.js';
export { assignParams, fromRawTensors, toRawTensors } from './tensors.js';
