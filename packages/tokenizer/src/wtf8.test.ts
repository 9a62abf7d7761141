import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWtf8, encodeWtf8 } from './wtf8.js';

const encode = (text: string) => {
  const out = new Uint8Array(3 * text.length);
  return out.slice(0, encodeWtf8(text, out));
};
// Any sequence of UTF-16 code units, lone surrogates included.
const anyJsString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
});

describe('WTF-8', () => {
  it('is UTF-8 for well-formed strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(encode(text)).toEqual(new TextEncoder().encode(text));
      }),
    );
  });

  it('round-trips every JS string, lone surrogates included (property)', () => {
    fc.assert(
      fc.property(anyJsString, (text) => {
        expect(decodeWtf8(encode(text))).toBe(text);
      }),
    );
  });

  it('spells a lone surrogate as the bytes of its code unit', () => {
    expect([...encode('\ud800')]).toEqual([0xed, 0xa0, 0x80]);
    expect([...encode('a\udfffb')]).toEqual([0x61, 0xed, 0xbf, 0xbf, 0x62]);
    expect([...encode('😀')]).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect(decodeWtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\ud800');
    // A leading byte order mark is text like any other (TextDecoder drops it unless told not to).
    expect(decodeWtf8(encode('\ufeffa'))).toBe('\ufeffa');
  });

  it('decodes ill-formed bytes like TextDecoder (property)', () => {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    // Bytes with ED only before 80..9F, where WTF-8 and UTF-8 agree.
    const bytes = fc
      .uint8Array({ maxLength: 40 })
      .filter((b) => b.every((x, i) => x !== 0xed || ((b[i + 1] ?? 0) >= 0x80 && (b[i + 1] ?? 0) <= 0x9f)));
    fc.assert(
      fc.property(bytes, (b) => {
        expect(decodeWtf8(b)).toBe(decoder.decode(b));
      }),
      { numRuns: 300 },
    );
    // Same, forcing the slow path by including an ED sequence that is valid in both.
    fc.assert(
      fc.property(bytes, (b) => {
        const withEd = Uint8Array.of(...b, 0xed, 0x9f, 0xbf);
        expect(decodeWtf8(withEd)).toBe(decoder.decode(withEd));
      }),
      { numRuns: 300 },
    );
    expect(decodeWtf8(Uint8Array.of(0xf0, 0x9f, 0x98))).toBe('\ufffd');
    expect(decodeWtf8(Uint8Array.of(0xed, 0xa0))).toBe('\ufffd');
  });
});
