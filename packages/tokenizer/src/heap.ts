/**
 * A binary min-heap of numbers. Callers pack their priority and tie-break into one number (for example
 * `rank * n + position`), which keeps the heap allocation-free and the comparisons plain `<`.
 */
export class MinHeap {
  private items: number[] = [];

  /** Number of stored items. */
  get size(): number {
    return this.items.length;
  }

  /** Removes every item, keeping the backing array for reuse. */
  clear(): void {
    this.items.length = 0;
  }

  /** Adds an item. */
  push(value: number): void {
    const items = this.items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as number;
      if (p <= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  /** Removes and returns the smallest item; the heap must not be empty. */
  pop(): number {
    const items = this.items;
    const top = items[0] as number;
    const last = items.pop() as number;
    const n = items.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (items[right] as number) < (items[child] as number)) child = right;
      if ((items[child] as number) >= last) break;
      items[i] = items[child] as number;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
