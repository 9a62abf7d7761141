import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random.js';
import { pickToken } from './sample.js';

const logits = Float32Array.from([1, 3, 0.5, 3, -2, 2]);

describe('pickToken', () => {
  it('is argmax (first of ties) at temperature 0, with top-k 1, or with a tiny top-p', () => {
    const random = mulberry32(1);
    expect(pickToken(logits, { temperature: 0, topP: 1 }, random)).toBe(1);
    for (let i = 0; i < 20; i++) {
      expect(pickToken(logits, { temperature: 1, topK: 1, topP: 1 }, random)).toBe(1);
      expect(pickToken(logits, { temperature: 1, topP: 1e-6 }, random)).toBe(1);
    }
  });

  it('samples in proportion to softmax(logits / temperature)', () => {
    const random = mulberry32(7);
    const counts = new Array(6).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[pickToken(logits, { temperature: 2, topP: 1 }, random)]++;
    const weights = Array.from(logits, (l) => Math.exp(l / 2));
    const total = weights.reduce((a, b) => a + b, 0);
    // 20000 draws: the standard error of each frequency is below 0.0036, so 0.015 is over 4 sigma.
    for (const [i, w] of weights.entries()) expect(Math.abs(counts[i] / n - w / total)).toBeLessThan(0.015);
  });

  it('only returns tokens inside the top-k and the top-p nucleus (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer(),
        (values, topK, topP, seed) => {
          const row = Float32Array.from(values);
          const id = pickToken(row, { temperature: 1, topK, topP }, mulberry32(seed));
          const sorted = Array.from(row).sort((a, b) => b - a);
          expect(row[id]).toBeGreaterThanOrEqual(sorted[Math.min(topK, row.length) - 1] ?? Number.NaN);
          // Everything strictly more likely than the pick lies inside the nucleus, which holds < topP of the mass.
          const probs = Array.from(row, (l) => Math.exp(l - (sorted[0] ?? 0)));
          const total = probs.reduce((a, b) => a + b, 0);
          const above = probs.filter((p) => p > (probs[id] ?? 0)).reduce((a, b) => a + b, 0);
          expect(above / total).toBeLessThan(topP + 1e-6);
        },
      ),
    );
  });
});
