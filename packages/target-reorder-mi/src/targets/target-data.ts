import { invalidOption, shown } from '../errors.js';
import type { DiscreteValue } from '../estimators/symbol-coder.js';
import { notASymbol, SymbolCoder } from '../estimators/symbol-coder.js';
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

/**
 * Codes one sequence per sample into per-position columns (created on first use), with one
 * {@link SymbolCoder} per position. Plain loops without callbacks keep the per-token path monomorphic.
 */
class PositionColumns {
  readonly coders: SymbolCoder[] = [];
  readonly columns: Int32Array[] = [];

  constructor(readonly samples: number) {}

  /**
   * Codes sample `k`'s sequence (at most `limit` positions) and returns its length. `part` names it in
   * errors as `samples[k].part`; the name is only built when there is an error.
   */
  encode(k: number, sequence: unknown, part: 'source' | 'target', limit: number): number {
    if (typeof sequence === 'string') {
      let j = 0;
      for (let i = 0; i < sequence.length; j++) {
        const cp = sequence.codePointAt(i) as number;
        if (j < limit) this.#column(j)[k] = (this.coders[j] as SymbolCoder).codePoint(cp);
        i += cp > 0xffff ? 2 : 1;
      }
      return j;
    }
    if (!Array.isArray(sequence)) {
      throw invalidOption(
        `samples[${k}].${part}`,
        `must be a string or an array of symbols (got ${shown(sequence)})`,
      );
    }
    const n = Math.min(sequence.length, limit);
    for (let j = 0; j < n; j++) {
      const code = (this.coders[j] ?? this.#create(j)).value(sequence[j]);
      if (code < 0) throw notASymbol(`samples[${k}].${part}[${j}]`, sequence[j]);
      (this.columns[j] as Int32Array)[k] = code;
    }
    return sequence.length;
  }

  /** Column `j`, created with its coder on first use. */
  #column(j: number): Int32Array {
    if (this.columns[j] === undefined) this.#create(j);
    return this.columns[j] as Int32Array;
  }

  /** Creates column `j` and its coder and returns the coder. */
  #create(j: number): SymbolCoder {
    this.columns[j] = new Int32Array(this.samples);
    const coder = new SymbolCoder();
    this.coders[j] = coder;
    return coder;
  }
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
  const sources = new PositionColumns(n);
  const targets = new PositionColumns(n);
  const sourceLengths = new Int32Array(n);
  let targetLength = Number.POSITIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const sample = samples[k];
    if (sample === null || typeof sample !== 'object') {
      throw invalidOption(`samples[${k}]`, `must be an object { source, target } (got ${shown(sample)})`);
    }
    sourceLengths[k] = sources.encode(k, sample.source, 'source', Number.POSITIVE_INFINITY);
    const length = targets.encode(k, sample.target, 'target', targetLength);
    if (k === 0) {
      if (length === 0) throw invalidOption('samples[0].target', 'must hold at least one token');
      targetLength = length;
    } else if (length !== targetLength) {
      throw invalidOption(
        `samples[${k}].target`,
        `has ${length} tokens but samples[0].target has ${targetLength}; targets must have one fixed length`,
      );
    }
  }
  // Positions past the end of a shorter source hold the "absent" symbol of that position.
  const source = sources.columns.map((codes, j) => {
    const coder = sources.coders[j] as SymbolCoder;
    for (let k = 0; k < n; k++) if ((sourceLengths[k] as number) <= j) codes[k] = coder.absent();
    return new DiscreteVariable(codes, coder.size);
  });
  const target = targets.columns.map(
    (codes, i) => new DiscreteVariable(codes, (targets.coders[i] as SymbolCoder).size),
  );
  return {
    count: n,
    source,
    target,
    wholeSource: jointOf(source, n),
    weights: prepareWeights(options.weights, n),
  };
}
