import type { FeatureMoments } from './feature-moments.js';

/** The one-hot column of one class k: its count n_k and U_k = Σ_{y = k}(x − x₀). */
interface ClassMoments {
  count: number;
  cross: Float64Array;
}

/**
 * One output column of a regression over a sample set, centred: the mean of y (in its own units), its population
 * variance v, and the feature–target covariance c = E[(x − μ)(y − ȳ)].
 */
export interface OutputMoments {
  mean: number;
  variance: number;
  cross: Float64Array;
}

/**
 * Streaming moments of a target over the same rows as a {@link FeatureMoments}: for the scalar target (a token
 * id, or any real value) t = Σ(y − y₀), q = Σ(y − y₀)² and u = Σ(y − y₀)(x − x₀), with y₀ the first value; with
 * `oneHot`, also each class's count and feature sum, the cross terms of the one-hot target
 * (`e_y`, a V-dimensional indicator). Those take d numbers per class *seen*, never d·V.
 */
export class TargetMoments {
  /** Width d of the feature rows. */
  readonly dim: number;
  /** Values added. */
  count = 0;
  /** y₀, the first value added: the scalar sums are taken about it so that Σy² does not swamp the variance. */
  shift = 0;
  /** t = Σ(y − y₀). */
  sum = 0;
  /** q = Σ(y − y₀)². */
  sumSquares = 0;
  /** u = Σ(y − y₀)(x − x₀). */
  readonly cross: Float64Array;
  /** Per class (distinct value of y), with `oneHot`. */
  readonly classes: Map<number, ClassMoments> | undefined;

  constructor(dim: number, oneHot: boolean) {
    this.dim = dim;
    this.cross = new Float64Array(dim);
    this.classes = oneHot ? new Map() : undefined;
  }

  /** Adds the target `value` of row `row` of the row-major, already shifted feature `rows`. */
  add(rows: Float64Array, row: number, value: number): void {
    if (this.count === 0) this.shift = value;
    const y = value - this.shift;
    const d = this.dim;
    const a = row * d;
    this.count++;
    this.sum += y;
    this.sumSquares += y * y;
    for (let i = 0; i < d; i++) this.cross[i] = (this.cross[i] as number) + y * (rows[a + i] as number);
    if (this.classes === undefined) return;
    let k = this.classes.get(value);
    if (k === undefined) {
      k = { count: 0, cross: new Float64Array(d) };
      this.classes.set(value, k);
    }
    k.count++;
    for (let i = 0; i < d; i++) k.cross[i] = (k.cross[i] as number) + (rows[a + i] as number);
  }

  /** The scalar target, centred, over the rows whose features `features` holds (the same rows). */
  scalar(features: FeatureMoments): OutputMoments {
    const n = this.count;
    const mean = this.sum / n;
    return {
      mean: this.shift + mean,
      variance: Math.max(0, this.sumSquares / n - mean * mean),
      cross: centredCross(this.cross, features, mean),
    };
  }

  /**
   * The one-hot target's columns, centred, keyed by class: for class k with frequency p = n_k/n, the mean p, the
   * variance p(1 − p) and c_k = U_k/n − μ p. Requires `oneHot`.
   */
  oneHot(features: FeatureMoments): Map<number, OutputMoments> {
    const columns = new Map<number, OutputMoments>();
    for (const [value, k] of this.classes ?? []) {
      const p = k.count / this.count;
      columns.set(value, { mean: p, variance: p * (1 - p), cross: centredCross(k.cross, features, p) });
    }
    return columns;
  }
}

/** E[(x − μ)(y − ȳ)] = u/n − μ' ȳ' from sums about the shifts (μ' = s/n is the mean of x − x₀). */
function centredCross(cross: Float64Array, features: FeatureMoments, yMean: number): Float64Array {
  const n = features.count;
  return cross.map((u, i) => u / n - ((features.sum[i] as number) / n) * yMean);
}
