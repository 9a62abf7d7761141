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
export { type LoadModelOptions, loadModel, saveModel } from './model-files.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  type RawTensor,
  type SafetensorsContents,
  type SafetensorsDtype,
} from './safetensors.js';
export { assignParams, fromRawTensors, toRawTensors } from './tensors.js';
