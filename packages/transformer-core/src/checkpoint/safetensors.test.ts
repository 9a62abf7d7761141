import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { CheckpointError } from './errors.js';
import {
  assertLittleEndianHost,
  decodeSafetensors,
  encodeSafetensors,
  type RawTensor,
} from './safetensors.js';

// Written by the reference implementation (safetensors 0.8.0, Python):
//   from safetensors.numpy import save
//   save({'blocks.0.attn.qkv.weight': np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1,
//         'ids': np.array([3, -1, 7], dtype=np.int32), 'wte.weight': np.array([[1.5]], dtype=np.float32)},
//        metadata={'format': 'pt'}).hex()
const REFERENCE_HEX =
  'f0000000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074227d2c22626c6f636b732e302e6174746e2e' +
  '716b762e776569676874223a7b226474797065223a22463332222c227368617065223a5b322c335d2c22646174615f6f66667365747322' +
  '3a5b302c32345d7d2c227774652e776569676874223a7b226474797065223a22463332222c227368617065223a5b312c315d2c22646174' +
  '615f6f666673657473223a5b32342c32385d7d2c22696473223a7b226474797065223a22493332222c227368617065223a5b335d2c2264' +
  '6174615f6f666673657473223a5b32382c34305d7d7d202020202020000080bf000000bf000000000000003f0000803f0000c03f0000c0' +
  '3f03000000ffffffff07000000';
const reference = Uint8Array.from(REFERENCE_HEX.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const referenceTensors: Record<string, RawTensor> = {
  'blocks.0.attn.qkv.weight': {
    dtype: 'F32',
    shape: [2, 3],
    data: Float32Array.from([-1, -0.5, 0, 0.5, 1, 1.5]),
  },
  ids: { dtype: 'I32', shape: [3], data: Int32Array.from([3, -1, 7]) },
  'wte.weight': { dtype: 'F32', shape: [1, 1], data: Float32Array.from([1.5]) },
};

function header(bytes: Uint8Array): Record<string, unknown> {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
}

/** A file with the given header object and `dataBytes` bytes of zeros after it. */
function withHeader(headerText: string, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function errorOf(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes, 'model.safetensors');
  } catch (error) {
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect((error as CheckpointError).file).toBe('model.safetensors');
    return (error as Error).message;
  }
  return 'no error';
}

describe('safetensors', () => {
  it('encodes byte-for-byte like the reference implementation', () => {
    expect(encodeSafetensors(referenceTensors, { format: 'pt' })).toEqual(reference);
  });

  it('decodes a file written by the reference implementation', () => {
    const { tensors, metadata } = decodeSafetensors(reference);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors).toEqual(referenceTensors);
  });

  it('pads the header so the data starts 8-byte aligned', () => {
    const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [1], data: Float32Array.from([1]) } });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    expect(header(bytes)).toEqual({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } });
  });

  it('round-trips any tensors', () => {
    const tensor = fc
      .tuple(
        fc.constantFrom<'F32' | 'I32'>('F32', 'I32'),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
      )
      .chain(([dtype, shape]) => {
        const numel = shape.reduce((a, b) => a * b, 1);
        const values =
          dtype === 'F32'
            ? fc.float32Array({ minLength: numel, maxLength: numel, noDefaultInfinity: false })
            : fc.int32Array({ minLength: numel, maxLength: numel });
        return values.map((data): RawTensor => ({ dtype, shape, data }));
      });
    const record = fc.dictionary(
      fc.string({ minLength: 1 }).filter((name) => name !== '__metadata__'),
      tensor,
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(record, fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), (tensors, metadata) => {
        const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
        expect(decoded.metadata).toEqual(metadata);
        expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(tensors).sort());
        for (const [name, t] of Object.entries(tensors)) {
          const back = decoded.tensors[name] as RawTensor;
          expect(back.shape).toEqual(t.shape);
          expect(back.dtype).toBe(t.dtype);
          // Compare bytes so NaN payloads and -0 count too.
          expect(new Uint8Array(back.data.buffer)).toEqual(
            new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
          );
        }
      }),
    );
  });

  it('keeps names that are special to JS objects', () => {
    const tensors = Object.fromEntries([['__proto__', referenceTensors.ids as RawTensor]]);
    const decoded = decodeSafetensors(encodeSafetensors(tensors, Object.fromEntries([['__proto__', 'x']])));
    expect(Object.keys(decoded.tensors)).toEqual(['__proto__']);
    expect(Object.entries(decoded.metadata)).toEqual([['__proto__', 'x']]);
  });

  it('rejects malformed files with an error naming the file and the problem', () => {
    expect(errorOf(new Uint8Array(5))).toMatch(/shorter than the 8-byte header length/);
    expect(errorOf(reference.subarray(0, 100))).toMatch(/runs past the end of the file/);
    const huge = reference.slice();
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    expect(errorOf(huge)).toMatch(/exceeds/);
    expect(errorOf(withHeader('[1, 2]', 0))).toMatch(/does not start with "\{"/);
    expect(errorOf(withHeader('{"a": ', 0))).toMatch(/header is not valid JSON/);
    expect(errorOf(withHeader('{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}', 2))).toMatch(
      /dtype "F16"/,
    );
    expect(errorOf(withHeader('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4))).toMatch(
      /shape/,
    );
    expect(errorOf(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4))).toMatch(
      /do not hold shape \[2\]/,
    );
    expect(errorOf(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8))).toMatch(
      /gap or overlap/,
    );
    expect(
      errorOf(
        withHeader(
          '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
          8,
        ),
      ),
    ).toMatch(/gap or overlap/);
    expect(errorOf(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 12))).toMatch(
      /cover 4 of 12 data bytes/,
    );
    expect(errorOf(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 2))).toMatch(
      /past the/,
    );
    expect(errorOf(withHeader('{"__metadata__":{"n":1}}', 0))).toMatch(/__metadata__\.n is not a string/);
  });

  it('refuses to encode inconsistent tensors', () => {
    expect(() => encodeSafetensors({ a: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(
      /needs 3 elements/,
    );
    expect(() => encodeSafetensors({ a: { dtype: 'I32', shape: [2], data: new Float32Array(2) } })).toThrow(
      /does not match its data array/,
    );
  });

  it('refuses a big-endian host with a CheckpointError naming the file', async () => {
    expect(() => assertLittleEndianHost('run/model.safetensors', true)).not.toThrow();
    const error = await thrown(CheckpointError, () => assertLittleEndianHost('run/model.safetensors', false));
    expect(error).toMatchObject({
      code: 'CHECKPOINT_UNSUPPORTED',
      file: 'run/model.safetensors',
      message:
        'run/model.safetensors: safetensors I/O needs a little-endian host (typed arrays use the host byte order)',
    });
  });
});
