import { invalidOption } from '../errors.js';
import { type DiscreteValue, notASymbol, SymbolCoder } from './symbol-coder.js';

/** What the estimators accept as a variable: an encoded one, or one symbol per sample. */
export type VariableInput = DiscreteVariable | ArrayLike<DiscreteValue>;

/**
 * Whether `span` keys can go through a direct lookup table (an `Int32Array` of that size) rather than a `Map`:
 * small tables always, larger ones while they stay within 8 entries per sample and 16 MB.
 */
function directTableFits(span: number, samples: number): boolean {
  return span <= Math.max(1 << 16, Math.min(1 << 22, 8 * samples));
}

/**
 * A discrete variable observed on a set of samples, encoded as dense integer codes `0 … cardinality-1` (one
 * per sample). Every estimator works on these codes: counting is a typed-array increment, never a string key.
 * Create one with {@link DiscreteVariable.from} or {@link DiscreteVariable.joint}.
 */
export class DiscreteVariable {
  /** The code of each sample, in `0 … cardinality-1`. */
  readonly codes: Int32Array;
  /** Number of distinct symbols; every code below it occurs in at least one sample. */
  readonly cardinality: number;

  /** @internal Use {@link DiscreteVariable.from} or {@link DiscreteVariable.joint}; codes must lie below `cardinality`. */
  constructor(codes: Int32Array, cardinality: number) {
    this.codes = codes;
    this.cardinality = cardinality;
  }

  /** Number of samples. */
  get length(): number {
    return this.codes.length;
  }

  /**
   * Encodes one symbol per sample. Integer typed arrays (e.g. `Uint8Array` of digits) take a lookup-table
   * path; anything else goes through a `Map`. A string is read as its characters (code points).
   */
  static from(values: ArrayLike<DiscreteValue>): DiscreteVariable {
    return encodeValues(values, 'values');
  }

  /** The joint variable (X₁, …, Xₖ) of one or more variables: one code per distinct combination. */
  static joint(variables: readonly DiscreteVariable[]): DiscreteVariable {
    const first = variables[0];
    if (first === undefined) throw invalidOption('variables', 'must hold at least one variable');
    return jointOf(variables, first.length);
  }
}

/** Encodes `input` unless it already is a {@link DiscreteVariable}; `field` names it in errors. */
export function toVariable(input: VariableInput, field: string): DiscreteVariable {
  if (input instanceof DiscreteVariable) return input;
  if (
    typeof input !== 'string' &&
    (input === null || typeof input !== 'object' || typeof input.length !== 'number')
  ) {
    throw invalidOption(
      field,
      'must be an array of symbols (strings, numbers or booleans) or a DiscreteVariable',
    );
  }
  return encodeValues(input, field);
}

function isIntegerTypedArray(values: ArrayLike<DiscreteValue>): values is ArrayLike<number> {
  return (
    values instanceof Uint8Array ||
    values instanceof Uint8ClampedArray ||
    values instanceof Int8Array ||
    values instanceof Uint16Array ||
    values instanceof Int16Array ||
    values instanceof Uint32Array ||
    values instanceof Int32Array
  );
}

function encodeValues(values: ArrayLike<DiscreteValue>, field: string): DiscreteVariable {
  if (typeof values === 'string') return encodeValues(Array.from(values), field);
  const n = values.length;
  const codes = new Int32Array(n);
  if (isIntegerTypedArray(values) && n > 0) {
    let min = values[0] as number;
    let max = min;
    for (let k = 1; k < n; k++) {
      const v = values[k] as number;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    const span = max - min + 1;
    if (directTableFits(span, n)) {
      const table = new Int32Array(span).fill(-1);
      let size = 0;
      for (let k = 0; k < n; k++) {
        const slot = (values[k] as number) - min;
        let code = table[slot] as number;
        if (code < 0) {
          code = size++;
          table[slot] = code;
        }
        codes[k] = code;
      }
      return new DiscreteVariable(codes, size);
    }
  }
  const coder = new SymbolCoder();
  for (let k = 0; k < n; k++) {
    const code = coder.value(values[k]);
    if (code < 0) throw notASymbol(`${field}[${k}]`, values[k]);
    codes[k] = code;
  }
  return new DiscreteVariable(codes, coder.size);
}

/** The joint of `variables`, all observed on `length` samples; with no variables, the constant variable. */
export function jointOf(variables: readonly DiscreteVariable[], length: number): DiscreteVariable {
  for (const [i, v] of variables.entries()) {
    if (v.length !== length) {
      throw invalidOption(`variables[${i}]`, `has ${v.length} samples but the others have ${length}`);
    }
  }
  const [first, ...rest] = variables;
  if (first === undefined) return new DiscreteVariable(new Int32Array(length), length > 0 ? 1 : 0);
  let result = first;
  for (const next of rest) result = pairJoint(result, next);
  return result;
}

/**
 * Joint of two variables: the mixed-radix key `a·|B| + b` is re-densified to first-appearance codes, so the
 * cardinality never exceeds the number of samples and chained joints cannot overflow.
 */
function pairJoint(a: DiscreteVariable, b: DiscreteVariable): DiscreteVariable {
  const n = a.length;
  const radix = b.cardinality;
  const product = a.cardinality * radix;
  const out = new Int32Array(n);
  const ac = a.codes;
  const bc = b.codes;
  let size = 0;
  if (directTableFits(product, n)) {
    const table = new Int32Array(product).fill(-1);
    for (let k = 0; k < n; k++) {
      const key = (ac[k] as number) * radix + (bc[k] as number);
      let code = table[key] as number;
      if (code < 0) {
        code = size++;
        table[key] = code;
      }
      out[k] = code;
    }
  } else {
    const seen = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      const key = (ac[k] as number) * radix + (bc[k] as number);
      let code = seen.get(key);
      if (code === undefined) {
        code = size++;
        seen.set(key, code);
      }
      out[k] = code;
    }
  }
  return new DiscreteVariable(out, size);
}
