/**
 * Max-heap of candidate merges: highest count first, ties to the smallest (left id, right id), the rule HF's
 * BPE trainer uses. Each entry keeps the count it was pushed with, so the trainer can spot stale entries.
 */
export class PairHeap {
  private readonly counts: number[] = [];
  private readonly pairs: number[] = [];

  constructor(private readonly pairKey: (pair: number) => number) {}

  /** Number of entries. */
  get size(): number {
    return this.counts.length;
  }

  /** Adds pair index `pair` with its current `count`. */
  push(count: number, pair: number): void {
    let i = this.counts.length;
    this.counts.push(count);
    this.pairs.push(pair);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(count, pair, this.counts[parent] as number, this.pairs[parent] as number)) break;
      this.counts[i] = this.counts[parent] as number;
      this.pairs[i] = this.pairs[parent] as number;
      i = parent;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
  }

  /** Removes the best entry and returns it as [count, pair]; the heap must not be empty. */
  pop(): [count: number, pair: number] {
    const top: [number, number] = [this.counts[0] as number, this.pairs[0] as number];
    const count = this.counts.pop() as number;
    const pair = this.pairs.pop() as number;
    const n = this.counts.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        this.before(
          this.counts[right] as number,
          this.pairs[right] as number,
          this.counts[child] as number,
          this.pairs[child] as number,
        )
      ) {
        child = right;
      }
      if (!this.before(this.counts[child] as number, this.pairs[child] as number, count, pair)) break;
      this.counts[i] = this.counts[child] as number;
      this.pairs[i] = this.pairs[child] as number;
      i = child;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
    return top;
  }

  private before(countA: number, pairA: number, countB: number, pairB: number): boolean {
    return countA !== countB ? countA > countB : this.pairKey(pairA) < this.pairKey(pairB);
  }
}
