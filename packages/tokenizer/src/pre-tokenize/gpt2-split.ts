// A hand-written scanner equivalent to GPT-2's split pattern (`GPT2_SPLIT_PATTERN`) under JavaScript RegExp
// semantics (`u` flag), about twice as fast as running the regex. The regex stays the specification: tests
// check both give the same pieces on arbitrary strings.
//
// Alternatives, tried in order at each position:
//   's 't 're 've 'm 'll 'd   contractions (case-sensitive)
//   ␣?L+  ␣?N+  ␣?O+        an optional U+0020, then a run of letters, digits, or other symbols
//   \s+(?!\S)               a whitespace run, minus its last character when a non-space follows
//   \s+                     (the run was one character long)

const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3;

let bmpClasses: Uint8Array | undefined;
const astralClasses = new Map<number, number>();

function classify(char: string): number {
  if (/\s/u.test(char)) return SPACE;
  if (/\p{L}/u.test(char)) return LETTER;
  if (/\p{N}/u.test(char)) return NUMBER;
  return OTHER;
}

// Built on first use, so importing the package costs nothing: one regex pass per class over every BMP
// character. Surrogates stay OTHER: a lone one is its own code point of category Cs, as in the regex.
function bmpTable(): Uint8Array {
  if (bmpClasses === undefined) {
    const table = new Uint8Array(0x10000);
    const codes = new Uint16Array(0x10000 - 0x800);
    for (let c = 0, i = 0; c < 0x10000; c++) if (c < 0xd800 || c >= 0xe000) codes[i++] = c;
    let bmp = '';
    for (let i = 0; i < codes.length; i += 8192) bmp += String.fromCharCode(...codes.subarray(i, i + 8192));
    const mark = (members: RegExp, cls: number) => {
      const kept = bmp.replace(members, '');
      for (let i = 0; i < kept.length; i++) table[kept.charCodeAt(i)] = cls;
    };
    mark(/[^\p{L}]/gu, LETTER);
    mark(/[^\p{N}]/gu, NUMBER);
    mark(/\S/gu, SPACE);
    bmpClasses = table;
  }
  return bmpClasses;
}

function astralClass(codePoint: number): number {
  let cls = astralClasses.get(codePoint);
  if (cls === undefined) {
    cls = classify(String.fromCodePoint(codePoint));
    astralClasses.set(codePoint, cls);
  }
  return cls;
}

/** Class and UTF-16 width of the code point at `i`, packed as `class * 4 + width`. */
function classAt(text: string, i: number, table: Uint8Array): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low < 0xe000)
      return astralClass(0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00)) * 4 + 2;
  }
  return (table[c] as number) * 4 + 1;
}

function contractionEnd(text: string, i: number): number {
  const a = text.charCodeAt(i + 1);
  // 's 't 'm 'd
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return i + 2;
  const b = text.charCodeAt(i + 2);
  // 're 've 'll
  if ((a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c)) return i + 3;
  return -1;
}

/** End (exclusive) of the GPT-2 pre-token that starts at `start`; `start` must be below `text.length`. */
export function gpt2PieceEnd(text: string, start: number): number {
  const table = bmpTable();
  const n = text.length;
  if (text.charCodeAt(start) === 0x27) {
    const end = contractionEnd(text, start);
    if (end !== -1) return end;
  }
  // An optional space joins the run that follows it, if that run is letters, digits or symbols.
  const runStart = text.charCodeAt(start) === 0x20 && start + 1 < n ? start + 1 : start;
  const first = classAt(text, runStart, table);
  const cls = first >> 2;
  if (cls !== SPACE) {
    let i = runStart + (first & 3);
    while (i < n) {
      const next = classAt(text, i, table);
      if (next >> 2 !== cls) break;
      i += next & 3;
    }
    return i;
  }
  // Whitespace (all of it is in the BMP).
  let i = start;
  while (i < n && table[text.charCodeAt(i)] === SPACE) i++;
  return i === n || i - start === 1 ? i : i - 1;
}
