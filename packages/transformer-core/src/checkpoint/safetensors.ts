import { describeValue, parseUntrustedJson } from '@beyond-ntp/errors';
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
 * Limits a safetensors file must keep to be read. They are generous (a 1,024-layer model with its AdamW state
 * has about 40,000 tensors and a 4 MB header) and bound the time and memory a crafted header can cost before it
 * is refused: the header is at most {@link SAFETENSORS_LIMITS.maxHeaderBytes} bytes of JSON at most 3 levels
 * deep, and nothing beyond it is read or allocated until every entry is checked.
 */
export const SAFETENSORS_LIMITS = {
  /** Longest JSON header, in bytes. */
  maxHeaderBytes: 16 * 1024 * 1024,
  /** Most tensors in one file. */
  maxTensors: 100_000,
  /** Most dimensions of one tensor. */
  maxRank: 8,
} as const;

/** One tensor of a validated safetensors header: where its bytes lie in the data section. */
export interface SafetensorsEntry {
  /** Tensor name. */
  name: string;
  /** Element type. */
  dtype: SafetensorsDtype;
  /** Dimensions, outermost first. */
  shape: number[];
  /** Byte offset of the tensor's data within the data section. */
  begin: number;
  /** Byte offset just past the tensor's data. */
  end: number;
}

/** A validated safetensors header: its tensors and metadata, and where the data section starts. */
export interface SafetensorsHeader {
  /** Byte offset of the data section within the file (8 + the header length). */
  dataStart: number;
  /** Tensors in header order. */
  entries: SafetensorsEntry[];
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
}

/**
 * @internal The length of the JSON header announced by a safetensors file's first 8 bytes, checked against
 * {@link SAFETENSORS_LIMITS} and the file's size.
 */
export function safetensorsHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  const fail = failure(file);
  if (fileSize < 8 || prefix.length < 8) fail(`${fileSize} bytes is shorter than the 8-byte header length`);
  const headerLength = Number(new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > SAFETENSORS_LIMITS.maxHeaderBytes) {
    fail(`header length ${headerLength} exceeds the limit of ${SAFETENSORS_LIMITS.maxHeaderBytes} bytes`);
  }
  if (8 + headerLength > fileSize) {
    fail(`header length ${headerLength} runs past the end of the file (${fileSize} bytes)`);
  }
  return headerLength;
}

/**
 * @internal Validates a safetensors header (the JSON bytes after the 8-byte length) for a file of `fileSize`
 * bytes, strictly and before any tensor data is touched: UTF-8 JSON object, at most
 * {@link SAFETENSORS_LIMITS} tensors and rank, known dtypes, integer shapes whose size matches `data_offsets`,
 * and offsets that cover the data section exactly (`fileSize - 8 - header length` bytes) with no gaps or
 * overlaps.
 */
export function parseSafetensorsHeader(json: Uint8Array, fileSize: number, file: string): SafetensorsHeader {
  assertLittleEndianHost(file);
  const fail = failure(file);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('header does not start with "{"');
  // Root object, entry object, shape array: anything deeper is not safetensors.
  const parsed = parseUntrustedJson(text, { maxDepth: 3 });
  if (!parsed.ok) fail(`header ${parsed.problem}`);
  const header: unknown = parsed.ok ? parsed.value : undefined;
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header is not a JSON object');
  const names = Object.keys(header as object);
  const tensorCount = names.length - (Object.hasOwn(header as object, METADATA_KEY) ? 1 : 0);
  if (tensorCount > SAFETENSORS_LIMITS.maxTensors) {
    fail(`header lists ${tensorCount} tensors, more than the limit of ${SAFETENSORS_LIMITS.maxTensors}`);
  }

  const dataStart = 8 + json.length;
  const dataLength = fileSize - dataStart;
  // Entries, turned into records at the end: Object.fromEntries keeps a name like "__proto__" as a plain key.
  const metadata: Array<[string, string]> = [];
  const entries: SafetensorsEntry[] = [];
  for (const name of names) {
    const entry = (header as Record<string, unknown>)[name];
    if (name === METADATA_KEY) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        fail('__metadata__ is not an object');
      for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(`__metadata__.${key} is not a string`);
        metadata.push([key, value as string]);
      }
      continue;
    }
    const where = `tensor ${describeValue(name)}`;
    if (typeof entry !== 'object' || entry === null) fail(`${where} is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (dtype !== 'F32' && dtype !== 'I32')
      fail(`${where} has dtype ${describeValue(dtype)}; only F32 and I32 are supported`);
    if (
      !Array.isArray(shape) ||
      shape.length > SAFETENSORS_LIMITS.maxRank ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      fail(`${where} shape must be an array of at most ${SAFETENSORS_LIMITS.maxRank} non-negative integers`);
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
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: [...(shape as number[])], begin, end });
  }
  const spans = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const span of spans) {
    if (span.begin !== covered) {
      fail(
        `tensor ${describeValue(span.name)} starts at ${span.begin} but the previous data ends at ${covered} (gap or overlap)`,
      );
    }
    covered = span.end;
  }
  if (covered !== dataLength) fail(`tensors cover ${covered} of ${dataLength} data bytes`);
  return { dataStart, entries, metadata: Object.fromEntries(metadata) };
}

/**
 * @internal The tensors of a validated header, copied out of `data` (the data section, or the whole file when
 * `offset` is the header's `dataStart`): each gets its own buffer, aligned and not aliasing `data`.
 */
export function tensorsOf(
  header: SafetensorsHeader,
  data: Uint8Array,
  offset: number,
): Record<string, RawTensor> {
  const tensors = header.entries.map(({ name, dtype, shape, begin, end }): [string, RawTensor] => {
    // Not `bytes.slice`: on a Node Buffer that returns a view of the same memory.
    const copy = new Uint8Array(data.subarray(offset + begin, offset + end));
    const values = dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    return [name, { dtype, shape, data: values }];
  });
  return Object.fromEntries(tensors);
}

/**
 * Decodes a safetensors file, validating it strictly before copying any tensor: header length within the file
 * and within {@link SAFETENSORS_LIMITS}, UTF-8 JSON object header, known dtypes, integer shapes whose size
 * matches `data_offsets`, and offsets that cover the data section exactly with no gaps or overlaps. Every error
 * is a {@link CheckpointError} naming `file`.
 */
export function decodeSafetensors(bytes: Uint8Array, file = '<buffer>'): SafetensorsContents {
  assertLittleEndianHost(file);
  const headerLength = safetensorsHeaderLength(bytes, bytes.length, file);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLength), bytes.length, file);
  return { tensors: tensorsOf(header, bytes, header.dataStart), metadata: header.metadata };
}

function failure(file: string): (message: string) => never {
  return (message) => {
    throw new CheckpointError('CHECKPOINT_INVALID', file, `not a valid safetensors file: ${message}`);
  };
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
