import { describe, expect, it } from 'vitest';
import type { StepMetrics } from './callbacks.js';
import { progressReporter } from './progress.js';

const metrics = (step: number, extra: Partial<StepMetrics> = {}): StepMetrics => ({
  step,
  loss: 2.5,
  lr: 1e-3,
  gradNorm: 0.5,
  tokensPerSecond: 1000,
  seconds: 0.1,
  ...extra,
});

describe('progressReporter', () => {
  it('prints the latest evaluation loss and the time remaining at the speed of this run', async () => {
    let clock = 5_000;
    const written: string[] = [];
    const reporter = progressReporter({
      stream: { write: (text) => written.push(text) },
      logEvery: 10,
      now: () => clock,
    });
    // Resumed at step 100 of 400: the 100 earlier steps do not count towards the speed.
    await reporter.onStart?.({ startStep: 100, steps: 400 });
    for (let step = 101; step <= 120; step++) {
      clock += 2_000; // 2 s per step
      await reporter.onStep?.(metrics(step, step === 105 ? { evalLoss: 2.25 } : {}));
    }
    expect(written).toEqual([
      // 10 steps in 20 s, 290 to go: 580 s.
      'step 110/400 loss 2.5000 eval 2.2500 lr 1.00e-3 gnorm 0.500 1000 tok/s eta 9m 40s\n',
      'step 120/400 loss 2.5000 eval 2.2500 lr 1.00e-3 gnorm 0.500 1000 tok/s eta 9m 20s\n',
    ]);
  });

  it('writes seconds, minutes and hours as the two largest units, and no eval before the first', async () => {
    let clock = 0;
    const written: string[] = [];
    const reporter = progressReporter({
      stream: { write: (text) => written.push(text) },
      logEvery: 1,
      now: () => clock,
    });
    await reporter.onStart?.({ startStep: 0, steps: 4000 });
    for (const [step, ms] of [
      [1, 10],
      [2, 40_000],
      [3, 4_000_000],
    ] as const) {
      clock = ms;
      await reporter.onStep?.(metrics(step, { tokensPerSecond: null }));
    }
    expect(written.map((line) => line.replace(/^.* eta /, ''))).toEqual([
      '40s\n',
      '22h 12m\n',
      '1480h 22m\n',
    ]);
    expect(written[0]).toBe('step 1/4000 loss 2.5000 lr 1.00e-3 gnorm 0.500 0.100 s/step eta 40s\n');
  });
});
