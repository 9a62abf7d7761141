import { describe, expect, it } from 'vitest';
import { lossCurveSpec } from './loss-plot.js';

const step = (s: number, loss: number, evalLoss?: number) => ({
  step: s,
  loss,
  lr: 1e-3,
  gradNorm: 1,
  tokensPerSecond: null,
  seconds: 0.1,
  ...(evalLoss === undefined ? {} : { evalLoss }),
});

describe('lossCurveSpec', () => {
  it('averages the training loss over blocks of steps and keeps every held-out evaluation', () => {
    const spec = lossCurveSpec({
      metrics: [step(1, 4), step(2, 3, 3.5), step(3, 2), step(4, 1, 2.5), step(5, 0.5)],
      block: 2,
      title: 't',
    });
    expect((spec as { data: { values: unknown[] } }).data.values).toEqual([
      { step: 2, loss: 3.5, series: 'train (mean of 2 steps)' },
      { step: 4, loss: 1.5, series: 'train (mean of 2 steps)' },
      { step: 5, loss: 0.5, series: 'train (mean of 2 steps)' },
      { step: 2, loss: 3.5, series: 'held-out' },
      { step: 4, loss: 2.5, series: 'held-out' },
    ]);
  });
});
