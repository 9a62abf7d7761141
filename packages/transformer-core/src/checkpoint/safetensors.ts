import { CheckpointError } from './errors.js';

/** Element types this package reads and writes, by their safetensors names. */
export type SafetensorsDtype = 'F32' | 'I32';

/** A tensor as plain data: what goes into and comes out of a safetensors file. */
export interface RawTensor {
  /** Element type in safetensors spelling. */
  dtype: SafetensorsDtype;
  /** Dimensions, outermost first (row-major, like PyTorch). */
  shape: number[];
  /** Elements in row-major order; its length is the product of `shape`. */
  data: Float32Array | Int32Array;
}

/** Contents of a safetensors file. */
export interface SafetensorsContents {
  /** Tensors by name. */
  tensors: Record<string, RawTensor>;
  /** The optional `__metadata__` string map of the header (empty when absent). */
  metadata: Record<string, string>;
}

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F32: 4, I32: 4 };
// The reference implementation refuses larger headers; so do we, before allocating anything for one.
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const DTYPE_ORDER: Record<SafetensorsDtype, number> = { F32: 0, I32: 1 };

// Typed arrays use the host byte order and safetensors is little-endian; every platform tfjs runs on is too.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes tensors in the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header mapping each name to `{dtype, shape, data_offsets}` (plus `__metadata__`), padded
 * with spaces to a multiple of 8 bytes, then the raw little-endian data.
 */
export function encodeSafetensors(
  tensors: Record<string, RawTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  assertLittleEndianHost('<buffer>');
  // The reference writer's order (F32 before I32, then by name), so our files are byte-identical to PyTorch's.
  const names = Object.keys(tensors).sort((a, b) => {
    const byDtype =
      DTYPE_ORDER[(tensors[a] as RawTensor).dtype] - DTYPE_ORDER[(tensors[b] as RawTensor).dtype];
    return byDtype !== 0 ? byDtype : a < b ? -1 : a > b ? 1 : 0;
  });
  // Built by hand rather than from an object: JS objects move integer-like keys ("0") to the front.
  const entries: string[] = [];
  if (Object.keys(metadata).length > 0)
    entries.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) throw new CheckpointError('CHECKPOINT_INVALID', name, 'reserved tensor name');
    const tensor = tensors[name] as RawTensor;
    if (!(tensor.data instanceof (tensor.dtype === 'F32' ? Float32Array : Int32Array))) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID',
        name,
        `dtype ${tensor.dtype} does not match its data array`,
      );
    }
    const numel = tensor.shape.reduce((a, b) => a * b, 1);
    if (numel !== tensor.data.length) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID',
        name,
        `shape [${tensor.shape}] needs ${numel} elements, data has ${tensor.data.length}`,
      );
    }
    const size = tensor.data.byteLength;
    const entry = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + size] };
    entries.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset += size;
  }
  const header = `{${entries.join(',')}}`;
  const json = new TextEncoder().encode(header);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // space padding keeps the data 8-byte aligned
  let position = 8 + headerLength;
  for (const name of names) {
    const { data } = tensors[name] as RawTensor;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}

/**
 * Decodes a safetensors file, validating it strictly: header length within the file, UTF-8 JSON object header,
 * known dtypes, integer shapes whose size matches `data_offsets`, and offsets that cover the data section exactly
 * with no gaps or overlaps. Every error is a {@link CheckpointError} naming `file`.
 */
export function decodeSafetensors(bytes: Uint8Array, file = '<buffer>'): SafetensorsContents {
  assertLittleEndianHost(file);
  const fail = (message: string): never => {
    throw new CheckpointError('CHECKPOINT_INVALID', file, `not a valid safetensors file: ${message}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is shorter than the 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header length ${headerLength} exceeds ${MAX_HEADER_BYTES} bytes`);
  if (8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    if (!text.startsWith('{')) fail('header does not start with "{"');
    header = JSON.parse(text);
  } catch (error) {
    if (CheckpointError.isInstance(error)) throw error;
    fail(`header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header is not a JSON object');

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  // Entries, turned into records at the end: Object.fromEntries keeps a name like "__proto__" as a plain key.
  const metadata: Array<[string, string]> = [];
  const spans: Array<{ name: string; begin: number; end: number }> = [];
  const tensors: Array<[string, RawTensor]> = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        fail('__metadata__ is not an object');
      for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(`__metadata__.${key} is not a string`);
        metadata.push([key, value as string]);
      }
      continue;
    }
    const where = `tensor "${name}"`;
    if (typeof entry !== 'object' || entry === null) fail(`${where} is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (dtype !== 'F32' && dtype !== 'I32')
      fail(`${where} has dtype ${String(dtype)}; only F32 and I32 are supported`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`${where} shape must be an array of non-negative integers`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      fail(`${where} data_offsets must be [begin, end] integers`);
    }
    const [begin, end] = offsets as [number, number];
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const bytesPerElement = BYTES_PER_ELEMENT[dtype as SafetensorsDtype];
    if (end < begin || end - begin !== numel * bytesPerElement) {
      fail(`${where} data_offsets [${begin}, ${end}] do not hold shape [${shape}] of ${dtype}`);
    }
    if (end > dataLength) fail(`${where} data ends at ${end}, past the ${dataLength}-byte data section`);
    spans.push({ name, begin, end });
    // Copy: the data section need not be 4-byte aligned inside `bytes`, and the result must not alias the file.
    // (Not `bytes.slice`: on a Node Buffer that returns a view of the same memory.)
    const copy = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
    const data = dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    tensors.push([name, { dtype: dtype as SafetensorsDtype, shape: [...(shape as number[])], data }]);
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const span of spans) {
    if (span.begin !== covered) {
      fail(
        `tensor "${span.name}" starts at ${span.begin} but the previous data ends at ${covered} (gap or overlap)`,
      );
    }
    covered = span.end;
  }
  if (covered !== dataLength) fail(`tensors cover ${covered} of ${dataLength} data bytes`);
  return { tensors: Object.fromEntries(tensors), metadata: Object.fromEntries(metadata) };
}

/** @internal Throws unless the host is little-endian; `littleEndian` is a parameter so tests can reach the error. */
export function assertLittleEndianHost(file: string, littleEndian = HOST_IS_LITTLE_ENDIAN): void {
  if (!littleEndian) {
    throw new CheckpointError(
      'CHECKPOINT_UNSUPPORTED',
      file,
      'safetensors I/O needs a little-endian host (typed arrays use the host byte order)',
    );
  }
}
