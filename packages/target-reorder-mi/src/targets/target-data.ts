import { invalidOption, shown } from '../errors.js';
import type { DiscreteValue } from '../estimators/symbol-coder.js';
import { SymbolCoder } from '../estimators/symbol-coder.js';
import { DiscreteVariable, jointOf } from '../estimators/variable.js';
import { prepareWeights, type SampleWeights } from '../estimators/weights.js';

/** A token sequence: a string (one token per character) or an array of symbols. */
export type Sequence = string | readonly DiscreteValue[];

/**
 * One training example seen as source → target, e.g. `{ source: '35*07=', target: '0245' }`, or for
 * multi-label classification `{ source: words, target: labels.map((l) => present.has(l)) }` (one target
 * position per label, holding whether it is present).
 */
export interface TargetSample {
  /** The input; sequences may differ in length (missing positions read as an "absent" symbol). */
  readonly source: Sequence;
  /** The output; every sample's target has the same length. */
  readonly target: Sequence;
}

/** Options of {@link encodeTargets}. */
export interface EncodeTargetsOptions {
  /** The samples, at least one. */
  samples: readonly TargetSample[];
  /**
   * One weight per sample (multiplicities, or probabilities for an enumerated grid).
   * @default every sample counts once
   */
  weights?: ArrayLike<number>;
}

/**
 * Samples encoded once for repeated estimates: one {@link DiscreteVariable} per source position and per
 * target position, plus the whole source as one variable. Build with {@link encodeTargets}.
 */
export interface TargetData {
  /** Number of samples. */
  readonly count: number;
  /** Source position j as a variable (length = the longest source). */
  readonly source: readonly DiscreteVariable[];
  /** Target position i as a variable. */
  readonly target: readonly DiscreteVariable[];
  /** The whole source sequence S as one variable (one code per distinct source). */
  readonly wholeSource: DiscreteVariable;
  /** Validated weights, or `null` when every sample counts once. */
  readonly weights: SampleWeights | null;
}

/** Calls `visit(position, code)` for each token of `sequence`, coding with the position's coder. */
function encodeSequence(
  sequence: unknown,
  coders: SymbolCoder[],
  field: string,
  visit: (position: number, code: number) => void,
): number {
  const coder = (j: number) => {
    let c = coders[j];
    if (c === undefined) {
      c = new SymbolCoder();
      coders[j] = c;
    }
    return c;
  };
  if (typeof sequence === 'string') {
    let j = 0;
    for (let i = 0; i < sequence.length; j++) {
      const cp = sequence.codePointAt(i) as number;
      visit(j, coder(j).codePoint(cp));
      i += cp > 0xffff ? 2 : 1;
    }
    return j;
  }
  if (!Array.isArray(sequence)) {
    throw invalidOption(field, `must be a string or an array of symbols (got ${shown(sequence)})`);
  }
  for (let j = 0; j < sequence.length; j++) visit(j, coder(j).value(sequence[j], `${field}[${j}]`));
  return sequence.length;
}

/**
 * Encodes `{ source, target }` samples position by position. Strings are read by code point through lookup
 * tables, so no string is built per sample. Errors name the sample, e.g. `samples[7].target`.
 */
export function encodeTargets(options: EncodeTargetsOptions): TargetData {
  const { samples } = options;
  if (!Array.isArray(samples) || samples.length === 0) {
    throw invalidOption('samples', 'must be a non-empty array of { source, target } samples');
  }
  const n = samples.length;
  const sourceCoders: SymbolCoder[] = [];
  const targetCoders: SymbolCoder[] = [];
  const sourceCodes: Int32Array[] = [];
  const sourceLengths = new Int32Array(n);
  const targetCodes: Int32Array[] = [];
  let targetLength = -1;
  const column = (columns: Int32Array[], j: number) => {
    let c = columns[j];
    if (c === undefined) {
      c = new Int32Array(n);
      columns[j] = c;
    }
    return c;
  };
  for (let k = 0; k < n; k++) {
    const sample = samples[k];
    if (sample === null || typeof sample !== 'object') {
      throw invalidOption(`samples[${k}]`, `must be an object { source, target } (got ${shown(sample)})`);
    }
    sourceLengths[k] = encodeSequence(sample.source, sourceCoders, `samples[${k}].source`, (j, code) => {
      column(sourceCodes, j)[k] = code;
    });
    const length = encodeSequence(sample.target, targetCoders, `samples[${k}].target`, (i, code) => {
      if (targetLength < 0 || i < targetLength) column(targetCodes, i)[k] = code;
    });
    if (targetLength < 0) {
      if (length === 0) throw invalidOption(`samples[${k}].target`, 'must hold at least one token');
      targetLength = length;
    } else if (length !== targetLength) {
      throw invalidOption(
        `samples[${k}].target`,
        `has ${length} tokens but samples[0].target has ${targetLength}; targets must have one fixed length`,
      );
    }
  }
  // Positions past the end of a shorter source hold the "absent" symbol of that position.
  const source = sourceCodes.map((codes, j) => {
    const coder = sourceCoders[j] as SymbolCoder;
    for (let k = 0; k < n; k++) if ((sourceLengths[k] as number) <= j) codes[k] = coder.absent();
    return new DiscreteVariable(codes, coder.size);
  });
  const target = targetCodes.map(
    (codes, i) => new DiscreteVariable(codes, (targetCoders[i] as SymbolCoder).size),
  );
  return {
    count: n,
    source,
    target,
    wholeSource: jointOf(source, n),
    weights: prepareWeights(options.weights, n),
  };
}
