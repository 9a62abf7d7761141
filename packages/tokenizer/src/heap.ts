/**
 * A binary min-heap of (primary, secondary) number pairs, ordered by primary then secondary. BPE encoding keys
 * merges by (rank, position); training keys candidate pairs by (−count, pair key). Two parallel number arrays
 * keep it allocation-free.
 */
export class MinHeap {
  private readonly primary: number[] = [];
  private readonly secondary: number[] = [];

  /** Number of stored entries. */
  get size(): number {
    return this.primary.length;
  }

  /** Primary value of the smallest entry; the heap must not be empty. */
  get topPrimary(): number {
    return this.primary[0] as number;
  }

  /** Secondary value of the smallest entry; the heap must not be empty. */
  get topSecondary(): number {
    return this.secondary[0] as number;
  }

  /** Removes every entry, keeping the backing arrays for reuse. */
  clear(): void {
    this.primary.length = 0;
    this.secondary.length = 0;
  }

  /** Adds an entry. */
  push(primary: number, secondary: number): void {
    const p = this.primary;
    const s = this.secondary;
    let i = p.length;
    p.push(primary);
    s.push(secondary);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pp = p[parent] as number;
      if (pp < primary || (pp === primary && (s[parent] as number) <= secondary)) break;
      p[i] = pp;
      s[i] = s[parent] as number;
      i = parent;
    }
    p[i] = primary;
    s[i] = secondary;
  }

  /** Removes the smallest entry (read it first with `topPrimary` / `topSecondary`). */
  pop(): void {
    const p = this.primary;
    const s = this.secondary;
    const primary = p.pop() as number;
    const secondary = s.pop() as number;
    const n = p.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      const pc = p[child] as number;
      const pr = p[right] as number;
      if (right < n && (pr < pc || (pr === pc && (s[right] as number) < (s[child] as number)))) child = right;
      const best = p[child] as number;
      if (best > primary || (best === primary && (s[child] as number) >= secondary)) break;
      p[i] = best;
      s[i] = s[child] as number;
      i = child;
    }
    p[i] = primary;
    s[i] = secondary;
  }
}
