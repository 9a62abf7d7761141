import fc from 'fast-check';
import { expect, it } from 'vitest';
import { MinHeap } from './heap.js';

it('pops entries in (primary, secondary) order (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 5 }))),
      (entries) => {
        const heap = new MinHeap();
        for (const [p, s] of entries) heap.push(p, s);
        const popped: Array<[number, number]> = [];
        while (heap.size > 0) {
          popped.push([heap.topPrimary, heap.topSecondary]);
          heap.pop();
        }
        expect(popped).toEqual([...entries].sort((x, y) => x[0] - y[0] || x[1] - y[1]));
      },
    ),
  );
});
