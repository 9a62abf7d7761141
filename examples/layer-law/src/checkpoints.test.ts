import { describe, expect, it } from 'vitest';
import { checkpointFits } from './checkpoints.js';

const points = (values: [number, number][]) => values.map(([step, value]) => ({ step, value }));

describe('checkpointFits', () => {
  it("refits the law from the recorded PR of layers 1..L, leaving out the embedding output (the digest's vector)", () => {
    const curves = {
      'pr.0': points([[0, 0.01]]),
      'pr.1': points([
        [0, 0.8],
        [10, 0.9],
      ]),
      'pr.2': points([
        [0, 0.4],
        [10, 0.5],
      ]),
      'pr.3': points([
        [0, 0.2],
        [10, 0.6],
      ]),
      'pr.4': points([
        [0, 0.1],
        [10, 0.3],
      ]),
      heldOutLoss: points([[10, 2.5]]),
    };
    const [first, second] = checkpointFits({ curves }, 4);
    expect(first?.step).toBe(0);
    expect(first?.fit.r).toBeCloseTo(-1, 12);
    expect(first?.fit.rho).toBeCloseTo(0.5, 12);
    expect(first?.fit.ratio).toBeCloseTo(0.125, 12);
    expect(first?.heldOutLoss).toBeUndefined();
    expect(second?.step).toBe(10);
    expect(second?.fit.rho).toBeCloseTo(0.73246, 5);
    expect(second?.fit.r).toBeCloseTo(-0.88214, 5);
    expect(second?.heldOutLoss).toBe(2.5);
  });

  it('leaves out a step missing some layer, and a run with no probes gives none', () => {
    const curves = {
      'pr.1': points([
        [0, 0.5],
        [5, 0.5],
      ]),
      'pr.2': points([[0, 0.25]]),
    };
    expect(checkpointFits({ curves }, 2).map((c) => c.step)).toEqual([0]);
    expect(checkpointFits({ curves: {} }, 2)).toEqual([]);
  });
});
