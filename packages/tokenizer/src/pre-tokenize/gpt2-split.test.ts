import fc from 'fast-check';
import { expect, it } from 'vitest';
import { GPT2_SPLIT_PATTERN } from './byte-level.js';
import { gpt2PieceEnd } from './gpt2-split.js';

function scan(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; ) {
    const end = gpt2PieceEnd(text, i);
    pieces.push(text.slice(i, end));
    i = end;
  }
  return pieces;
}

const regex = (text: string) => [...text.matchAll(new RegExp(GPT2_SPLIT_PATTERN, 'gu'))].map((m) => m[0]);

// Characters at every class boundary: contractions' letters, U+0020 and other whitespace (incl. U+0085, U+FEFF,
// which JS and Unicode White_Space disagree on), letters, digits, symbols, astral letters/digits/emoji, surrogates.
const tricky = [
  ..."'srtvelmdSR ",
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2028',
  '\u3000',
  '\ufeff',
  'a',
  'Z',
  'é',
  '日',
  '1',
  '٣',
  'Ⅻ',
  '½',
  '!',
  '.',
  '-',
  '\u0301',
  '𝐀',
  '𝟙',
  '😀',
  '\ud800',
  '\udc00',
];

it('splits like the GPT-2 regex (property)', () => {
  const strings = fc.oneof(
    fc.string({ unit: fc.constantFrom(...tricky), maxLength: 40 }),
    fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 30,
    }),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  fc.assert(
    fc.property(strings, (text) => {
      expect(scan(text)).toEqual(regex(text));
    }),
    { numRuns: 1000 },
  );
});

it('splits a sample sentence as GPT-2 does', () => {
  expect(scan("I'm   here,\n\n  don't go 42x!")).toEqual([
    'I',
    "'m",
    '  ',
    ' here',
    ',',
    '\n\n ',
    ' don',
    "'t",
    ' go',
    ' 42',
    'x',
    '!',
  ]);
});

it('classifies every BMP code point like the regex', () => {
  // Each character alone, and after a space (the optional-space alternatives).
  for (let c = 0; c < 0x10000; c += 1) {
    const char = String.fromCharCode(c);
    const text = ` ${char}${char}a`;
    if (scan(text).join('|') !== regex(text).join('|')) expect(scan(text)).toEqual(regex(text));
  }
});
