// Strings ⇄ bytes for byte-level BPE. JS strings are sequences of UTF-16 code units and may hold lone
// surrogates, which UTF-8 cannot represent (TextEncoder turns them into U+FFFD, losing them). WTF-8 is UTF-8
// extended to encode a lone surrogate as the 3-byte sequence of its code unit (ED A0..BF xx), so every JS
// string maps to bytes and back exactly, and well-formed strings get exactly their UTF-8 bytes.
// Spec: https://simonsapin.github.io/wtf-8/

// ignoreBOM keeps a leading U+FEFF: by default TextDecoder drops it, and the round trip with it.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Writes the WTF-8 bytes of `text` into `out` (which must hold `3 * text.length` bytes) and returns how many
 * were written. Equal to UTF-8 for strings without lone surrogates.
 */
export function encodeWtf8(text: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
          out[n++] = 0xf0 | (c >> 18);
          out[n++] = 0x80 | ((c >> 12) & 0x3f);
          out[n++] = 0x80 | ((c >> 6) & 0x3f);
          out[n++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      // BMP character or lone surrogate: both are three bytes.
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

/**
 * Decodes WTF-8 bytes. Ill-formed input (for example ids that cut a character in half) decodes like
 * `TextDecoder` does, one U+FFFD per maximal ill-formed subpart; the only difference from UTF-8 decoding is that
 * encoded surrogates (ED A0..BF xx) come back as the code units they encode.
 */
export function decodeWtf8(bytes: Uint8Array): string {
  // Encoded surrogates always start with ED, so input without it is plain UTF-8 and the native decoder is exact.
  if (!bytes.includes(0xed)) return utf8.decode(bytes);
  const units: number[] = [];
  let codePoint = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (needed === 0) {
      if (byte < 0x80) units.push(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        codePoint = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        // The WHATWG decoder narrows the range after ED to 80..9F to reject surrogates; WTF-8 keeps them.
        if (byte === 0xe0) lower = 0xa0;
        needed = 2;
        codePoint = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        codePoint = byte & 0x07;
      } else units.push(0xfffd);
      continue;
    }
    if (byte < lower || byte > upper) {
      // Ill-formed: replace what was read so far and read this byte again as a fresh start.
      codePoint = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(0xfffd);
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    codePoint = (codePoint << 6) | (byte & 0x3f);
    if (++seen < needed) continue;
    if (codePoint >= 0x10000) {
      codePoint -= 0x10000;
      units.push(0xd800 + (codePoint >> 10), 0xdc00 + (codePoint & 0x3ff));
    } else units.push(codePoint);
    codePoint = needed = seen = 0;
  }
  if (needed !== 0) units.push(0xfffd);
  let text = '';
  // fromCharCode takes arguments on the stack; chunk to stay far below engine argument limits.
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.slice(i, i + 8192));
  return text;
}
