import { symmetricEigen } from '../linalg/symmetric-eigen.js';

/**
 * A feature column whose variance is below this fraction of its mean square about the shift is constant up to
 * roundoff (the intercept already carries it) and is left out, so that rescaling cannot blow roundoff up.
 */
export const COLUMN_TOLERANCE = 1e-12;

/**
 * Eigenvalues of the correlation matrix below this fraction of the largest are treated as zero: the
 * pseudo-inverse drops their directions, which gives the residual of the minimum-norm least-squares solution
 * (numpy/scipy `lstsq`). Exact collinearity (a LayerNorm output sums to zero over its features) then costs no
 * accuracy, where a Cholesky factor would divide by a pivot made of roundoff.
 */
export const RANK_TOLERANCE = 1e-10;

/**
 * The least-squares map from centred features to centred outputs, β = C⁺c, for one feature covariance C and any
 * number of cross-covariance vectors c (one per output column).
 *
 * C is first scaled to the correlation matrix R = D C D with D = diag(C)^(-1/2), which is free (the residual is
 * invariant to rescaling features) and makes the rank tolerance independent of the features' units. Then
 * R = Q Λ Qᵀ, and for w = Qᵀ D c the explained variance is cᵀC⁺c = Σ_{λᵢ kept} wᵢ²/λᵢ and β = D Q Λ⁺ w.
 */
export class LinearFit {
  /** Width d of the features. */
  readonly dim: number;
  /** Number of eigen-directions kept: the numerical rank of the covariance. */
  readonly rank: number;
  private readonly kept: Int32Array;
  private readonly scale: Float64Array;
  private readonly values: Float64Array;
  private readonly vectors: Float64Array;

  /**
   * @param cov - the population covariance C, row-major d×d, lower triangle read.
   * @param meanSquare - per feature, its mean square about the accumulation shift: the yardstick of
   *   {@link COLUMN_TOLERANCE}.
   */
  constructor(cov: Float64Array, dim: number, meanSquare: Float64Array) {
    this.dim = dim;
    const kept: number[] = [];
    for (let i = 0; i < dim; i++) {
      const variance = cov[i * dim + i] as number;
      if (variance > 0 && variance > COLUMN_TOLERANCE * (meanSquare[i] as number)) kept.push(i);
    }
    const m = kept.length;
    this.kept = Int32Array.from(kept);
    this.scale = Float64Array.from(kept, (i) => 1 / Math.sqrt(cov[i * dim + i] as number));
    const correlation = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b <= a; b++) {
        const i = kept[a] as number;
        const j = kept[b] as number;
        correlation[a * m + b] =
          (cov[i * dim + j] as number) * (this.scale[a] as number) * (this.scale[b] as number);
      }
    }
    const { values, vectors } = symmetricEigen(correlation, m);
    // Eigenvalues ascend: keep the top ones, above the tolerance.
    const largest = m > 0 ? (values[m - 1] as number) : 0;
    let first = 0;
    while (first < m && !((values[first] as number) > RANK_TOLERANCE * largest)) first++;
    this.rank = m - first;
    this.values = values.slice(first);
    this.vectors = vectors.slice(first * m);
  }

  /** cᵀC⁺c: the variance of an output that the features explain, given its cross-covariance c with them. */
  explained(cross: Float64Array): number {
    const w = this.project(cross);
    let total = 0;
    for (let r = 0; r < this.rank; r++)
      total += ((w[r] as number) * (w[r] as number)) / (this.values[r] as number);
    return total;
  }

  /** β = C⁺c, the least-squares coefficients of an output with cross-covariance c (zero on dropped features). */
  coefficients(cross: Float64Array): Float64Array {
    const w = this.project(cross);
    const m = this.kept.length;
    const beta = new Float64Array(this.dim);
    for (let r = 0; r < this.rank; r++) {
      const weight = (w[r] as number) / (this.values[r] as number);
      const q = r * m;
      for (let a = 0; a < m; a++) {
        const i = this.kept[a] as number;
        beta[i] = (beta[i] as number) + weight * (this.vectors[q + a] as number);
      }
    }
    for (let a = 0; a < m; a++) {
      const i = this.kept[a] as number;
      beta[i] = (beta[i] as number) * (this.scale[a] as number);
    }
    return beta;
  }

  /** w = Qᵀ D c over the kept eigen-directions. */
  private project(cross: Float64Array): Float64Array {
    const m = this.kept.length;
    const scaled = Float64Array.from(this.kept, (i, a) => (cross[i] as number) * (this.scale[a] as number));
    const w = new Float64Array(this.rank);
    for (let r = 0; r < this.rank; r++) {
      const q = r * m;
      let dot = 0;
      for (let a = 0; a < m; a++) dot += (this.vectors[q + a] as number) * (scaled[a] as number);
      w[r] = dot;
    }
    return w;
  }
}
