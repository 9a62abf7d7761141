/** Eigenvalues and eigenvectors of a real symmetric matrix, `A = V · diag(values) · Vᵀ`. */
export interface SymmetricEigen {
  /** Order n of the matrix. */
  n: number;
  /** The n eigenvalues, ascending. */
  values: Float64Array;
  /** The orthonormal eigenvectors, column-major: vector i is `vectors[i·n … i·n + n)`, for `values[i]`. */
  vectors: Float64Array;
}

// Sweeps of the QL iteration allowed per eigenvalue before giving up. LAPACK's limit is 30 per eigenvalue; the
// iteration converges cubically and needs 1–3 on any finite input, so hitting it means the input was not finite.
const MAX_SWEEPS = 60;

/**
 * Eigendecomposition of the symmetric n×n matrix `a` (row-major; only the lower triangle `a[i·n + j]`, j ≤ i, is
 * read), in float64. Householder reduction to tridiagonal form, then the implicit QL iteration with shifts: the
 * EISPACK `tred2`/`tql2` pair (Wilkinson & Reinsch, Handbook for Automatic Computation II, 1971) as published in
 * the public-domain JAMA library. O(n³), backward stable: the computed pairs are exact for a matrix within a few
 * ulps·‖A‖ of `a`.
 *
 * The working matrix is stored column-major so that the inner loops, which run down columns, read memory in order.
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  // Work on A / max|A_ij|: the rotations lose accuracy on subnormal numbers, and entries that scaling flushes to
  // zero are below roundoff of ‖A‖ anyway. Division rather than a reciprocal, which overflows for tiny maxima.
  let maxAbs = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) maxAbs = Math.max(maxAbs, Math.abs(a[i * n + j] as number));
  const scale = maxAbs === 0 ? 1 : maxAbs;
  // v[i + j·n] holds V[i][j].
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = (a[i * n + j] as number) / scale;
      v[i + j * n] = value;
      v[j + i * n] = value;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(v, d, e, n);
    diagonalize(v, d, e, n);
  }
  for (let i = 0; i < n; i++) d[i] = (d[i] as number) * scale;
  return sortAscending(v, d, n);
}

/** Householder reduction of `v` to tridiagonal form (diagonal `d`, sub-diagonal `e`); `v` becomes the transform. */
function tridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  const at = (i: number, j: number) => i + j * n;
  for (let j = 0; j < n; j++) d[j] = v[at(n - 1, j)] as number;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j++) {
        d[j] = v[at(i - 1, j)] as number;
        v[at(i, j)] = 0;
        v[at(j, i)] = 0;
      }
    } else {
      // Householder vector of row i, scaled to avoid under/overflow.
      for (let k = 0; k < i; k++) {
        d[k] = (d[k] as number) / scale;
        h += (d[k] as number) * (d[k] as number);
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Apply the similarity transformation to the remaining columns.
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        v[at(j, i)] = f;
        g = (e[j] as number) + (v[at(j, j)] as number) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = v[at(k, j)] as number;
          g += vkj * (d[k] as number);
          e[k] = (e[k] as number) + vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = (e[j] as number) / h;
        f += (e[j] as number) * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        g = e[j] as number;
        for (let k = j; k <= i - 1; k++) {
          v[at(k, j)] = (v[at(k, j)] as number) - (f * (e[k] as number) + g * (d[k] as number));
        }
        d[j] = v[at(i - 1, j)] as number;
        v[at(i, j)] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    v[at(n - 1, i)] = v[at(i, i)] as number;
    v[at(i, i)] = 1;
    const h = d[i + 1] as number;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = (v[at(k, i + 1)] as number) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += (v[at(k, i + 1)] as number) * (v[at(k, j)] as number);
        for (let k = 0; k <= i; k++) v[at(k, j)] = (v[at(k, j)] as number) - g * (d[k] as number);
      }
    }
    for (let k = 0; k <= i; k++) v[at(k, i + 1)] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[at(n - 1, j)] as number;
    v[at(n - 1, j)] = 0;
  }
  v[at(n - 1, n - 1)] = 1;
  e[0] = 0;
}

/** Implicit QL iteration on the tridiagonal (`d`, `e`), accumulating the rotations into `v`. */
function diagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  const at = (i: number, j: number) => i + j * n;
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  e[n - 1] = 0;
  let f = 0;
  const eps = 2 ** -52;
  // Deflation threshold relative to the whole matrix, not (as in JAMA) to the rows seen so far: with a zero leading
  // diagonal that running maximum is tiny, a subnormal off-diagonal passes as significant and the shift overflows.
  let tst1 = 0;
  for (let i = 0; i < n; i++) tst1 = Math.max(tst1, Math.abs(d[i] as number) + Math.abs(e[i] as number));
  for (let l = 0; l < n; l++) {
    // Find a small sub-diagonal element.
    let m = l;
    while (m < n - 1 && Math.abs(e[m] as number) > eps * tst1) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_SWEEPS) {
          throw new RangeError(`symmetric eigendecomposition did not converge (is the matrix finite?)`);
        }
        // Implicit shift.
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h;
        f += h;
        // Implicit QL transformation.
        p = d[m] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          for (let k = 0; k < n; k++) {
            const vk1 = v[at(k, i + 1)] as number;
            const vk0 = v[at(k, i)] as number;
            v[at(k, i + 1)] = s * vk0 + c * vk1;
            v[at(k, i)] = c * vk0 - s * vk1;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
}

function sortAscending(v: Float64Array, d: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (d[i] as number) - (d[j] as number));
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = d[from] as number;
    vectors.set(v.subarray(from * n, from * n + n), to * n);
  });
  return { n, values, vectors };
}
