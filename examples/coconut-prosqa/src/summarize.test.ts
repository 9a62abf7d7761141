import type { Json, RunResult } from '@beyond-ntp-examples/kit';
import { describe, expect, it } from 'vitest';
import { summarize } from './summarize.js';

// Finished runs with the given accuracy per condition (seed s adds s / 1000, so seeds differ a little).
function results(accuracy: Record<string, number>): RunResult<Json>[] {
  return [0, 1, 2].flatMap((seed) =>
    Object.entries(accuracy).map(([condition, value]) => ({
      id: `${condition}-seed${seed}`,
      condition,
      seed,
      mode: 'quick' as const,
      config: {},
      units: 1,
      metrics: { accuracy: value + seed / 1000, tokens: condition === 'cot' ? 20 : 7 },
      curves: {},
      backend: 'cpu',
      git: null,
      command: 'test',
      wallSeconds: 1,
      resumed: false,
      finishedAt: '2026-01-01T00:00:00.000Z',
    })),
  );
}

const base = { cot: 0.6, 'no-cot': 0.6, 'no-curriculum': 0.7 };

describe('summarize', () => {
  it('credits the thoughts only when Coconut also beats both no-thought controls from the CoT checkpoint', () => {
    const summary = summarize({
      results: results({ ...base, coconut: 0.9, 'no-thought': 0.7, 'cot-then-answer': 0.7 }),
      mode: 'quick',
      complete: true,
    });
    expect(summary.verdict?.outcome).toBe('reproduced');
    expect(summary.checks?.map((c) => [c.label, c.outcome])).toEqual([
      ['coconut vs no-cot', 'reproduced'],
      ['coconut vs no-curriculum', 'reproduced'],
      ['coconut vs no-thought', 'reproduced'],
      ['coconut vs cot-then-answer', 'reproduced'],
      ['cot-then-answer vs cot', 'reproduced'],
    ]);
    expect(summary.notes).toContain('the runs credit the gain to the continuous thoughts');
    expect(summary.notes).toContain('cot 20, no-cot 7, coconut 7');
  });

  it('does not credit the thoughts when a control from the same checkpoint matches Coconut', () => {
    const summary = summarize({
      results: results({ ...base, coconut: 0.9, 'no-thought': 0.7, 'cot-then-answer': 0.9 }),
      mode: 'quick',
      complete: true,
    });
    expect(summary.verdict?.outcome).toBe('reproduced');
    expect(summary.checks?.find((c) => c.label === 'coconut vs cot-then-answer')?.outcome).toBe(
      'inconclusive',
    );
    expect(summary.notes).toContain(
      'not both controls that start from the same CoT checkpoint without thoughts (w/o thought: reproduced, CoT-then-answer: inconclusive)',
    );
  });

  it('attributes nothing when Coconut does not beat CoT, and copes with conditions that have no runs yet', () => {
    const summary = summarize({
      results: results({ cot: 0.8, coconut: 0.6 }),
      mode: 'quick',
      complete: false,
    });
    expect(summary.verdict?.outcome).toBe('not reproduced');
    expect(summary.notes).toContain('Coconut did not beat CoT by the rule (not reproduced)');
    expect(summary.notes).toContain('no-cot n/a');
  });
});
