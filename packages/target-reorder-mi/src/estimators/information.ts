import { invalidOption } from '../errors.js';
import {
  type EntropyEstimator,
  type EstimatorChoice,
  type Histogram,
  resolveEstimator,
} from './estimator.js';
import { type DiscreteVariable, jointOf, toVariable, type VariableInput } from './variable.js';
import { prepareWeights, type SampleWeights } from './weights.js';

/** Options shared by every estimator function. */
export interface EstimateOptions {
  /**
   * One non-negative weight per sample: integer multiplicities, or probabilities when the samples enumerate a
   * full grid (with the `'exact'` estimator). Omitted: every sample counts once.
   */
  weights?: ArrayLike<number>;
  /**
   * How entropies are estimated from counts.
   * @default 'plug-in'
   */
  estimator?: EstimatorChoice;
}

/** Options of {@link entropy}. */
export interface EntropyOptions extends EstimateOptions {
  /** The variable: one symbol per sample, or a {@link DiscreteVariable}. */
  x: VariableInput;
}

/** Options of {@link conditionalEntropy}. */
export interface ConditionalEntropyOptions extends EntropyOptions {
  /** The conditioning variable Z (use `DiscreteVariable.joint` for several). */
  given: VariableInput;
}

/** Options of {@link mutualInformation}. */
export interface MutualInformationOptions extends EstimateOptions {
  /** First variable. */
  x: VariableInput;
  /** Second variable. */
  y: VariableInput;
}

/** Options of {@link conditionalMutualInformation}. */
export interface ConditionalMutualInformationOptions extends MutualInformationOptions {
  /** The conditioning variable Z (use `DiscreteVariable.joint` for several). */
  given: VariableInput;
}

/** Counts of `variable`'s codes, weighted when `weights` is given. */
export function histogramOf(variable: DiscreteVariable, weights: SampleWeights | null): Histogram {
  const counts = new Float64Array(variable.cardinality);
  const codes = variable.codes;
  if (weights === null) {
    for (let k = 0; k < codes.length; k++) {
      const c = codes[k] as number;
      counts[c] = (counts[c] as number) + 1;
    }
    return { counts, total: codes.length, sampleCount: codes.length };
  }
  const w = weights.values;
  for (let k = 0; k < codes.length; k++) {
    const c = codes[k] as number;
    counts[c] = (counts[c] as number) + (w[k] as number);
  }
  return { counts, total: weights.total, sampleCount: weights.sampleCount };
}

/**
 * The estimator applied to prepared data. Every information quantity is a signed sum of joint entropies, so
 * all of them share `entropyOf`; the same estimator is used for every term. Entropies of single variables
 * are cached by identity, so a table of I(s_j; t_i) computes each marginal once.
 */
export class InformationEstimate {
  readonly #marginals = new WeakMap<DiscreteVariable, number>();

  constructor(
    readonly estimator: EntropyEstimator,
    readonly weights: SampleWeights | null,
    readonly samples: number,
  ) {}

  /** H(X₁, …, Xₖ) in bits (0 for no variables). */
  entropyOf(variables: readonly DiscreteVariable[]): number {
    if (variables.length === 0) return 0;
    const single = variables.length === 1 ? variables[0] : undefined;
    const cached = single && this.#marginals.get(single);
    if (cached !== undefined) return cached;
    const h = this.estimator.entropy(histogramOf(jointOf(variables, this.samples), this.weights));
    if (single) this.#marginals.set(single, h);
    return h;
  }

  /** I(X; Y | Z) = H(X,Z) + H(Y,Z) − H(X,Y,Z) − H(Z); with Z empty this is I(X; Y) = H(X) + H(Y) − H(X,Y). */
  mutualInformation(
    x: readonly DiscreteVariable[],
    y: readonly DiscreteVariable[],
    given: readonly DiscreteVariable[] = [],
  ): number {
    return (
      this.entropyOf([...x, ...given]) +
      this.entropyOf([...y, ...given]) -
      this.entropyOf([...x, ...y, ...given]) -
      this.entropyOf(given)
    );
  }
}

function prepare(
  inputs: Record<string, VariableInput>,
  options: EstimateOptions,
): { estimate: InformationEstimate; variables: Record<string, DiscreteVariable> } {
  const variables: Record<string, DiscreteVariable> = {};
  let samples: number | undefined;
  let first = '';
  for (const [field, input] of Object.entries(inputs)) {
    const variable = toVariable(input, field);
    if (samples === undefined) {
      samples = variable.length;
      first = field;
    } else if (variable.length !== samples) {
      throw invalidOption(field, `has ${variable.length} samples but \`${first}\` has ${samples}`);
    }
    variables[field] = variable;
  }
  if (!samples) throw invalidOption(first, 'must hold at least one sample');
  const estimate = new InformationEstimate(
    resolveEstimator(options.estimator),
    prepareWeights(options.weights, samples),
    samples,
  );
  return { estimate, variables };
}

/** Entropy H(X) in bits. */
export function entropy(options: EntropyOptions): number {
  const { estimate, variables } = prepare({ x: options.x }, options);
  return estimate.entropyOf([variables.x as DiscreteVariable]);
}

/** Conditional entropy H(X | Z) = H(X, Z) − H(Z), in bits. */
export function conditionalEntropy(options: ConditionalEntropyOptions): number {
  const { estimate, variables } = prepare({ x: options.x, given: options.given }, options);
  const x = variables.x as DiscreteVariable;
  const given = variables.given as DiscreteVariable;
  return estimate.entropyOf([x, given]) - estimate.entropyOf([given]);
}

/** Mutual information I(X; Y) = H(X) + H(Y) − H(X, Y), in bits. */
export function mutualInformation(options: MutualInformationOptions): number {
  const { estimate, variables } = prepare({ x: options.x, y: options.y }, options);
  return estimate.mutualInformation([variables.x as DiscreteVariable], [variables.y as DiscreteVariable]);
}

/** Conditional mutual information I(X; Y | Z) = H(X,Z) + H(Y,Z) − H(X,Y,Z) − H(Z), in bits. */
export function conditionalMutualInformation(options: ConditionalMutualInformationOptions): number {
  const { estimate, variables } = prepare({ x: options.x, y: options.y, given: options.given }, options);
  return estimate.mutualInformation(
    [variables.x as DiscreteVariable],
    [variables.y as DiscreteVariable],
    [variables.given as DiscreteVariable],
  );
}
