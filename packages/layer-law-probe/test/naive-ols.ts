// Reference paths for the tests: least squares solved the textbook way, from the samples themselves.

/**
 * Seeded uniform numbers in (0, 1): the Lehmer "minimal standard" generator (Park & Miller 1988), so every test
 * sees the same data on every run. Plenty for test data; not for statistics that need long-range independence.
 */
export function seededRandom(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/** Seeded standard normal numbers (Box–Muller). */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** The least-squares fit of y on [1, x] by the normal equations, solved by Gauss–Jordan with partial pivoting. */
function olsPredictions(x: number[][], y: number[]): (row: number[]) => number {
  const design = x.map((row) => [1, ...row]);
  const p = design[0]?.length ?? 1;
  const column = (i: number) => design.map((row) => row[i] as number);
  const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * (b[k] as number), 0);
  // The augmented normal equations [XᵀX | Xᵀy].
  const a = Array.from({ length: p }, (_, i) => [
    ...Array.from({ length: p }, (_, j) => dot(column(i), column(j))),
    dot(column(i), y),
  ]);
  const at = (r: number, c: number) => (a[r] as number[])[c] as number;
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(at(r, col)) > Math.abs(at(pivot, col))) pivot = r;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const pivotRow = a[col] as number[];
    a.forEach((row, r) => {
      if (r === col) return;
      const factor = (row[col] as number) / (pivotRow[col] as number);
      for (let c = col; c <= p; c++) row[c] = (row[c] as number) - factor * (pivotRow[c] as number);
    });
  }
  const beta = a.map((row, i) => (row[p] as number) / (row[i] as number));
  return (row) => dot([1, ...row], beta);
}

const variance = (y: number[]) => {
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  return y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length;
};

/**
 * PR = mean squared error / population variance of each output column, summed over the columns; fitted on
 * `(x, ys)` and scored on `(evalX, evalYs)` (the same samples by default). Full-rank x only.
 */
export function naiveResidual(args: {
  x: number[][];
  ys: number[][];
  evalX?: number[][];
  evalYs?: number[][];
}): number {
  const { x, ys, evalX = x, evalYs = ys } = args;
  let error = 0;
  let total = 0;
  ys.forEach((y, j) => {
    const predict = olsPredictions(x, y);
    const target = evalYs[j] as number[];
    error += evalX.reduce((s, row, k) => s + ((target[k] as number) - predict(row)) ** 2, 0) / evalX.length;
    total += variance(target);
  });
  return error / total;
}

/** The indicator columns of `ids` for the classes seen in either list, in ascending class order. */
export function oneHotColumns(ids: number[], alsoSeen: number[] = []): number[][] {
  const classes = [...new Set([...ids, ...alsoSeen])].sort((a, b) => a - b);
  return classes.map((k) => ids.map((id) => (id === k ? 1 : 0)));
}

/** The error `fn` throws; fails the test when it returns instead. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
