/**
 * Streaming moments of d-dimensional feature rows about a fixed shift x₀, in float64: the count n, the sum
 * s = Σ(x − x₀) and the lower triangle of S = Σ(x − x₀)(x − x₀)ᵀ. The covariance is then
 * C = S/n − (s/n)(s/n)ᵀ. Accumulating about a sample x₀ instead of the origin keeps S/n and (s/n)(s/n)ᵀ of the
 * size of the spread rather than of the mean, so the subtraction does not cancel the digits that carry C.
 *
 * Memory is d² + d numbers whatever the number of rows; rows are added as already-shifted float64 values.
 */
export class FeatureMoments {
  /** Width d of a row. */
  readonly dim: number;
  /** Rows added. */
  count = 0;
  /** s = Σ(x − x₀). */
  readonly sum: Float64Array;
  /** S = Σ(x − x₀)(x − x₀)ᵀ, row-major d×d; only the lower triangle (column ≤ row) is kept. */
  readonly cross: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.sum = new Float64Array(dim);
    this.cross = new Float64Array(dim * dim);
  }

  /**
   * Adds the first `count` rows of the row-major `rows` (each already x − x₀). Eight rows at a time, so every
   * element of S is loaded and stored once per eight rows: the update is bound by those loads and stores, not by
   * the multiplications (eight rows measured faster than four; more spill the registers).
   */
  addRows(rows: Float64Array, count: number): void {
    const d = this.dim;
    const sum = this.sum;
    const cross = this.cross;
    let r = 0;
    for (; r + 8 <= count; r += 8) {
      const a0 = r * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      const a4 = a3 + d;
      const a5 = a4 + d;
      const a6 = a5 + d;
      const a7 = a6 + d;
      for (let i = 0; i < d; i++) {
        const x0 = rows[a0 + i] as number;
        const x1 = rows[a1 + i] as number;
        const x2 = rows[a2 + i] as number;
        const x3 = rows[a3 + i] as number;
        const x4 = rows[a4 + i] as number;
        const x5 = rows[a5 + i] as number;
        const x6 = rows[a6 + i] as number;
        const x7 = rows[a7 + i] as number;
        sum[i] = (sum[i] as number) + x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
        const row = i * d;
        for (let j = 0; j <= i; j++) {
          cross[row + j] =
            (cross[row + j] as number) +
            x0 * (rows[a0 + j] as number) +
            x1 * (rows[a1 + j] as number) +
            x2 * (rows[a2 + j] as number) +
            x3 * (rows[a3 + j] as number) +
            x4 * (rows[a4 + j] as number) +
            x5 * (rows[a5 + j] as number) +
            x6 * (rows[a6 + j] as number) +
            x7 * (rows[a7 + j] as number);
        }
      }
    }
    this.count += r;
    for (; r < count; r++) this.addRow(rows, r);
  }

  /** Adds row `row` of the row-major `rows` (already x − x₀). */
  addRow(rows: Float64Array, row: number): void {
    const d = this.dim;
    const a = row * d;
    for (let i = 0; i < d; i++) {
      const ai = rows[a + i] as number;
      this.sum[i] = (this.sum[i] as number) + ai;
      const base = i * d;
      for (let j = 0; j <= i; j++)
        this.cross[base + j] = (this.cross[base + j] as number) + ai * (rows[a + j] as number);
    }
    this.count++;
  }

  /** The moments of this sample set without the rows of `other`, a subset accumulated about the same shift. */
  minus(other: FeatureMoments): FeatureMoments {
    const result = new FeatureMoments(this.dim);
    result.count = this.count - other.count;
    for (let i = 0; i < this.sum.length; i++)
      result.sum[i] = (this.sum[i] as number) - (other.sum[i] as number);
    for (let i = 0; i < this.cross.length; i++) {
      result.cross[i] = (this.cross[i] as number) - (other.cross[i] as number);
    }
    return result;
  }

  /** The mean of x − x₀, s/n. */
  mean(): Float64Array {
    return this.sum.map((s) => s / this.count);
  }

  /** Per feature, the mean square about the shift, S_ii/n. */
  meanSquare(): Float64Array {
    const d = this.dim;
    return Float64Array.from({ length: d }, (_, i) => (this.cross[i * d + i] as number) / this.count);
  }

  /** The population covariance C = S/n − (s/n)(s/n)ᵀ, row-major d×d, lower triangle only. */
  covariance(): Float64Array {
    const d = this.dim;
    const n = this.count;
    const mean = this.mean();
    const cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        cov[i * d + j] = (this.cross[i * d + j] as number) / n - (mean[i] as number) * (mean[j] as number);
      }
    }
    return cov;
  }
}
