import { checkInteger, invalidInput, invalidOption } from './errors.js';
import { FeatureMoments } from './stats/feature-moments.js';
import { fitSampleSet, heldOutResidual, inSampleResidual, type SampleSet } from './stats/residual.js';
import { TargetMoments } from './stats/target-moments.js';

/** Options of {@link ResidualAccumulator}. */
export interface ResidualAccumulatorOptions {
  /** Width d of a feature row. */
  dim: number;
  /**
   * Also accumulate the one-hot target, whose classes are the distinct target values: d more numbers per class
   * seen, and one d-vector product per class when the residual is computed.
   * @default false
   */
  oneHot?: boolean;
}

/** Samples for {@link ResidualAccumulator.add}: n feature rows and their n targets. */
export interface ResidualSamples {
  /** n rows of d features, row-major (length n·d): a `Float32Array` from `tensor.dataSync()` or a plain array. */
  features: ArrayLike<number>;
  /** The n target values (token ids, or any real numbers for the scalar target). */
  targets: ArrayLike<number>;
}

/** Options of {@link ResidualAccumulator.residual}. */
export interface ResidualOptions {
  /**
   * Score the fit on these samples instead of the fitted ones (held-out PR). Must have the same `dim`, and
   * `oneHot` when this accumulator has it.
   * @default undefined (in-sample, as in the authors' code)
   */
  heldOut?: ResidualAccumulator;
}

/** What {@link ResidualAccumulator.residual} returns. */
export interface ResidualResult {
  /** Samples the fit used. */
  samples: number;
  /** Samples the fit was scored on, for a held-out residual. */
  heldOutSamples?: number;
  /** Numerical rank of the feature covariance (≤ d): the number of directions the fit used. */
  rank: number;
  /** Prediction residual of the scalar target, `mean((y − ŷ)²) / var(y)`. */
  pr: number;
  /** Prediction residual of the one-hot target, `Σₖ mean((yₖ − ŷₖ)²) / Σₖ var(yₖ)`, with `oneHot`. */
  prOneHot?: number;
}

/**
 * The prediction residual of a linear fit with an intercept, from streamed samples in memory independent of
 * their number: d² + O(d) float64 numbers (plus d per class with `oneHot`). Add samples in batches of any
 * size; the result equals that of one batch up to roundoff.
 *
 * For centred statistics C = Cov(x), c = Cov(x, y), v = Var(y) over the n samples (population moments), the
 * in-sample residual is PR = (v − cᵀC⁺c)/v = 1 − R², the normalised mean squared error of ordinary least squares
 * (the minimum-norm solution when C is singular). It is invariant to x → Ax + b (A invertible) and y → ay + b
 * (a ≠ 0); in expectation it is 1 − rank/(n − 1) when x carries no information about y.
 */
export class ResidualAccumulator {
  /** Width d of a feature row. */
  readonly dim: number;
  /** Whether the one-hot target is accumulated as well. */
  readonly oneHot: boolean;
  private shift: Float64Array | undefined;
  private readonly features: FeatureMoments;
  private readonly target: TargetMoments;
  private rows = new Float64Array(0);

  constructor(options: ResidualAccumulatorOptions) {
    this.dim = checkInteger('dim', options.dim, 1);
    if (options.oneHot !== undefined && typeof options.oneHot !== 'boolean') {
      throw invalidOption('oneHot', `must be true or false (got ${String(options.oneHot)})`);
    }
    this.oneHot = options.oneHot ?? false;
    this.features = new FeatureMoments(this.dim);
    this.target = new TargetMoments(this.dim, this.oneHot);
  }

  /** Samples added so far. */
  get samples(): number {
    return this.features.count;
  }

  /**
   * Adds a batch of samples. Throws (adding nothing) when the lengths disagree or a value is not finite.
   *
   * @throws {LayerLawError} `INVALID_INPUT` naming `features` or `targets`.
   */
  add(samples: ResidualSamples): void {
    const { features, targets } = samples;
    const d = this.dim;
    const n = targets.length;
    if (features.length !== n * d) {
      throw invalidInput(
        'features',
        `must hold targets.length × dim = ${n} × ${d} = ${n * d} numbers, row-major (got ${features.length})`,
      );
    }
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(targets[k]))
        throw invalidInput(`targets[${k}]`, `must be finite (got ${targets[k]})`);
    }
    for (let k = 0; k < n * d; k++) {
      if (!Number.isFinite(features[k])) {
        throw invalidInput(
          'features',
          `row ${Math.floor(k / d)}, feature ${k % d} is ${features[k]}; must be finite`,
        );
      }
    }
    if (n === 0) return;
    if (this.shift === undefined)
      this.shift = Float64Array.from({ length: d }, (_, i) => features[i] as number);
    const shift = this.shift;
    if (this.rows.length < n * d) this.rows = new Float64Array(n * d);
    const rows = this.rows;
    for (let k = 0; k < n * d; k++) rows[k] = (features[k] as number) - (shift[k % d] as number);
    this.features.addRows(rows, n);
    for (let k = 0; k < n; k++) this.target.add(rows, k, targets[k] as number);
  }

  /**
   * The prediction residual of the samples added so far, in-sample or on `heldOut`.
   *
   * @throws {LayerLawError} `DEGENERATE_DATA` with fewer than 2 samples or a target that never varies;
   *   `INVALID_INPUT` naming `heldOut` when it does not match this accumulator.
   */
  residual(options: ResidualOptions = {}): ResidualResult {
    const { heldOut } = options;
    if (heldOut !== undefined) {
      if (
        !(heldOut instanceof ResidualAccumulator) ||
        heldOut.dim !== this.dim ||
        (this.oneHot && !heldOut.oneHot)
      ) {
        throw invalidInput(
          'heldOut',
          `must be a ResidualAccumulator with dim ${this.dim}${this.oneHot ? ' and oneHot' : ''}`,
        );
      }
    }
    const fitted = fitSampleSet(this.sampleSet(), 'samples');
    const score = (variant: 'id' | 'one-hot') =>
      heldOut === undefined
        ? inSampleResidual(fitted, variant, 'targets')
        : heldOutResidual(fitted, heldOut.sampleSet(), variant, 'heldOut');
    return {
      samples: this.samples,
      ...(heldOut === undefined ? {} : { heldOutSamples: heldOut.samples }),
      rank: fitted.fit.rank,
      pr: score('id'),
      ...(this.oneHot ? { prOneHot: score('one-hot') } : {}),
    };
  }

  private sampleSet(): SampleSet {
    const { features } = this;
    const d = this.dim;
    return {
      shift: this.shift ?? new Float64Array(d),
      features,
      target: this.target,
      meanSquare: Float64Array.from(
        { length: d },
        (_, i) => (features.cross[i * d + i] as number) / features.count,
      ),
    };
  }
}
