// GPT-2 byte-level pre-tokenization (Radford et al. 2019, `encoder.py`; HF tokenizers `ByteLevel`).

/**
 * GPT-2's split pattern: contractions, optional-space + letters, optional-space + digits, optional-space +
 * other symbols, then whitespace runs. `\s+(?!\S)` leaves the last space of a run to start the next word, which
 * is why " world" is one token after a run of spaces.
 */
export const GPT2_SPLIT_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * GPT-2's byte → character table: printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 and
 * up, so every byte is one visible character and a token is a plain string (space → "Ġ", newline → "Ċ").
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
  const table: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) table.push(String.fromCharCode(printable(b) ? b : 256 + next++));
  return table;
})();

/** Inverse of {@link BYTE_TO_CHAR}, indexed by char code; -1 for characters that are no byte. */
export const CHAR_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(324).fill(-1);
  BYTE_TO_CHAR.forEach((char, byte) => {
    table[char.charCodeAt(0)] = byte;
  });
  return table;
})();

/** The byte-level spelling of raw bytes (what vocab.json and merges.txt store). */
export function bytesToTokenString(bytes: ArrayLike<number>): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += BYTE_TO_CHAR[bytes[i] as number];
  return text;
}

/**
 * Writes the raw bytes of a byte-level token string into `out` (at least `token.length` long) and returns how
 * many; -1 if a character is not a byte character.
 */
export function tokenStringToBytesInto(token: string, out: Uint8Array): number {
  for (let i = 0; i < token.length; i++) {
    const byte = CHAR_TO_BYTE[token.charCodeAt(i)] ?? -1;
    if (byte < 0) return -1;
    out[i] = byte;
  }
  return token.length;
}
