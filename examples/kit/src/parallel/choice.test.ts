import { describe, expect, it } from 'vitest';
import { AUTO_RULE, chooseThreads } from './choice.js';

describe('chooseThreads', () => {
  it('takes two threads when their median is at most 90 % of one thread’s', () => {
    expect(AUTO_RULE.minSpeedup).toBe(0.1);
    expect(chooseThreads({ single: [50, 50, 50], parallel: [45, 45, 45] })).toEqual({
      threads: 2,
      singleMs: 50,
      parallelMs: 45,
    });
    expect(chooseThreads({ single: [50, 50, 50], parallel: [45.01, 45.01, 45.01] }).threads).toBe(1);
    expect(chooseThreads({ single: [100, 90, 110], parallel: [60, 61, 59] })).toEqual({
      threads: 2,
      singleMs: 100,
      parallelMs: 60,
    });
    // Two threads slower: one thread.
    expect(chooseThreads({ single: [40, 41, 39], parallel: [70, 65, 80] })).toEqual({
      threads: 1,
      singleMs: 40,
      parallelMs: 70,
    });
  });

  it('decides on medians, so one slow spell on a shared machine does not', () => {
    // A 900 ms stall in one single-thread timing would make the mean 340 ms; the median stays 60.
    expect(chooseThreads({ single: [60, 900, 60], parallel: [58, 57, 59] })).toEqual({
      threads: 1,
      singleMs: 60,
      parallelMs: 58,
    });
    expect(chooseThreads({ single: [100, 100, 100], parallel: [50, 1000, 50] }).threads).toBe(2);
    // Even counts: the mean of the middle two.
    expect(chooseThreads({ single: [10, 30], parallel: [17, 19] })).toEqual({
      threads: 2,
      singleMs: 20,
      parallelMs: 18,
    });
  });

  it('refuses missing or impossible timings, naming the path', () => {
    expect(() => chooseThreads({ single: [], parallel: [1] })).toThrow(
      'timings.single: expected at least one finite time ≥ 0 in ms, got []',
    );
    expect(() => chooseThreads({ single: [1], parallel: [2, Number.NaN] })).toThrow(
      'timings.parallel: expected at least one finite time ≥ 0 in ms, got [2, NaN]',
    );
    expect(() => chooseThreads({ single: [-1], parallel: [2] })).toThrow('timings.single');
  });
});
