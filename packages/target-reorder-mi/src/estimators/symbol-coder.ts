import { invalidOption, shown } from '../errors.js';

/** A value a discrete variable can take. `1`, `'1'` and `true` are three different symbols. */
export type DiscreteValue = string | number | boolean;

/**
 * Gives each distinct symbol of one variable a dense integer code 0, 1, 2, … in order of first appearance.
 * Characters of string sequences are looked up by code point (an array for ASCII, a map above it), so that
 * encoding text builds no string per sample; a character and the one-character string are the same symbol.
 */
export class SymbolCoder {
  readonly #byValue = new Map<DiscreteValue, number>();
  readonly #ascii = new Int32Array(128).fill(-1);
  readonly #byCodePoint = new Map<number, number>();
  #absent = -1;
  #size = 0;

  /** Number of distinct symbols seen so far (the cardinality of the variable). */
  get size(): number {
    return this.#size;
  }

  /** Code of a value, or −1 when it is not a string, number or boolean (the caller names the field). */
  value(value: unknown): number {
    const code = this.#byValue.get(value as DiscreteValue);
    if (code !== undefined) return code;
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return -1;
    this.#byValue.set(value as DiscreteValue, this.#size);
    return this.#size++;
  }

  /** Code of the character with code point `cp`. */
  codePoint(cp: number): number {
    if (cp < 128) {
      let code = this.#ascii[cp] as number;
      if (code < 0) {
        code = this.value(String.fromCharCode(cp));
        this.#ascii[cp] = code;
      }
      return code;
    }
    let code = this.#byCodePoint.get(cp);
    if (code === undefined) {
      code = this.value(String.fromCodePoint(cp));
      this.#byCodePoint.set(cp, code);
    }
    return code;
  }

  /** Code of "no symbol here" (a position past the end of a shorter sequence); distinct from every value. */
  absent(): number {
    if (this.#absent < 0) this.#absent = this.#size++;
    return this.#absent;
  }
}

/** The error for a sample value that is not a symbol. */
export function notASymbol(field: string, value: unknown) {
  return invalidOption(field, `must be a string, number or boolean symbol (got ${shown(value)})`);
}
