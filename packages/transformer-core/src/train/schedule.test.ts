import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTrainingArgumentError } from './errors.js';
import { warmupCosineSchedule } from './schedule.js';

describe('warmupCosineSchedule', () => {
  const lr = warmupCosineSchedule({ maxLr: 1e-3, minLr: 1e-4, warmupSteps: 10, decaySteps: 110 });

  it('warms up linearly and never starts at zero', () => {
    expect(lr(0)).toBeCloseTo(1e-3 / 11, 12);
    expect(lr(4)).toBeCloseTo((1e-3 * 5) / 11, 12);
    expect(lr(9)).toBeCloseTo((1e-3 * 10) / 11, 12);
  });

  it('peaks at the end of warmup, halves at mid-decay and reaches minLr at decaySteps', () => {
    expect(lr(10)).toBeCloseTo(1e-3, 12);
    expect(lr(60)).toBeCloseTo((1e-3 + 1e-4) / 2, 12);
    expect(lr(110)).toBeCloseTo(1e-4, 12);
    expect(lr(111)).toBe(1e-4);
    expect(lr(10_000)).toBe(1e-4);
  });

  it('defaults minLr to maxLr / 10 and warmup to 0', () => {
    const plain = warmupCosineSchedule({ maxLr: 2e-3, decaySteps: 50 });
    expect(plain(0)).toBeCloseTo(2e-3, 12);
    expect(plain(50)).toBeCloseTo(2e-4, 12);
  });

  it('is non-increasing after warmup and stays within [minLr, maxLr]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 200 }), (it) => {
        expect(lr(it + 1)).toBeLessThanOrEqual(lr(it) + 1e-15);
        expect(lr(it)).toBeGreaterThanOrEqual(1e-4 - 1e-15);
        expect(lr(it)).toBeLessThanOrEqual(1e-3 + 1e-15);
      }),
    );
  });

  it('handles decaySteps equal to warmupSteps', () => {
    const flat = warmupCosineSchedule({ maxLr: 1, minLr: 0.5, warmupSteps: 3, decaySteps: 3 });
    expect([flat(2), flat(3), flat(4)]).toEqual([0.75, 1, 0.5]);
  });

  it('rejects invalid options naming the field', () => {
    const fieldOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return InvalidTrainingArgumentError.isInstance(error) ? error.field : 'other error';
      }
      return 'no error';
    };
    expect(fieldOf(() => warmupCosineSchedule({ maxLr: -1, decaySteps: 5 }))).toBe('schedule.maxLr');
    expect(fieldOf(() => warmupCosineSchedule({ maxLr: 1, minLr: 2, decaySteps: 5 }))).toBe('schedule.minLr');
    expect(fieldOf(() => warmupCosineSchedule({ maxLr: 1, warmupSteps: 1.5, decaySteps: 5 }))).toBe(
      'schedule.warmupSteps',
    );
    expect(fieldOf(() => warmupCosineSchedule({ maxLr: 1, warmupSteps: 6, decaySteps: 5 }))).toBe(
      'schedule.decaySteps',
    );
    // No options at all reads as {}: the first missing field is named, not a TypeError from `undefined.maxLr`.
    expect(fieldOf(() => warmupCosineSchedule(undefined as never))).toBe('schedule.maxLr');
    expect(fieldOf(() => warmupCosineSchedule(null as never))).toBe('schedule');
  });
});
