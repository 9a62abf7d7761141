// A model as a downloadable file and back, for browsers (Blob and File are in Node too).
import type { TransformerModel } from '../model.js';
import { type ModelBytesOptions, modelFromSafetensors, modelToSafetensors } from './model-bytes.js';

/**
 * The model as a `Blob` holding one safetensors file (see {@link modelToSafetensors}): offer it for download
 * with `URL.createObjectURL(blob)` and a link whose `download` is e.g. `model.safetensors`.
 */
export async function modelToBlob(model: TransformerModel): Promise<Blob> {
  // The bytes live in a plain ArrayBuffer (encodeSafetensors allocates one), as Blob's typing asks.
  const bytes = (await modelToSafetensors(model)) as Uint8Array<ArrayBuffer>;
  return new Blob([bytes], { type: 'application/octet-stream' });
}

/**
 * Loads a model from a `Blob` or a `File` (an `<input type="file">` pick, a fetched response's blob) holding a
 * file written by {@link modelToBlob}, or `model.safetensors` of a saveModel directory with `options.config`.
 * Errors name the file (`File.name`) unless `options.source` does. The caller owns the model.
 */
export async function loadModelFromBlob(
  blob: Blob,
  options: ModelBytesOptions = {},
): Promise<TransformerModel> {
  const name = (blob as Partial<File>).name;
  const source = options.source ?? (typeof name === 'string' && name !== '' ? name : '<blob>');
  return modelFromSafetensors(new Uint8Array(await blob.arrayBuffer()), { ...options, source });
}
