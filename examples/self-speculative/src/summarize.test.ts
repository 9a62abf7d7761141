import { describe, expect, it } from 'vitest';
import { exactnessVerdict, summarize, thresholdVerdict } from './summarize.js';

const run = (condition: string, seed: number, metrics: Record<string, number>) => ({
  condition,
  seed,
  metrics,
});

describe('verdicts', () => {
  const judge = (values: number[], strict = false) =>
    thresholdVerdict({
      results: values.map((v, seed) => run('joint', seed, { 'tpf-k4': v })),
      condition: 'joint',
      metric: 'tpf-k4',
      threshold: 3,
      strict,
    }).outcome;

  it('threshold rule: every seed at or above → reproduced, every seed below → not, a mix → inconclusive', () => {
    expect(judge([3, 3.4, 3.1])).toBe('reproduced');
    expect(judge([2.9, 1.2])).toBe('not reproduced');
    expect(judge([3.2, 2.8, 3.5])).toBe('inconclusive');
    expect(judge([])).toBe('inconclusive');
    expect(judge([3], true)).toBe('not reproduced');
    expect(judge([3.01], true)).toBe('reproduced');
  });

  it('only reads the named condition', () => {
    const results = [run('joint', 0, { 'tpf-k4': 3.5 }), run('heads-added', 0, { 'tpf-k4': 1 })];
    expect(thresholdVerdict({ results, condition: 'joint', metric: 'tpf-k4', threshold: 3 }).outcome).toBe(
      'reproduced',
    );
  });

  it('exactness fails on a single mismatch anywhere', () => {
    expect(exactnessVerdict([{ metrics: { mismatches: 0 } }, { metrics: { mismatches: 0 } }]).outcome).toBe(
      'reproduced',
    );
    expect(exactnessVerdict([{ metrics: { mismatches: 0 } }, { metrics: { mismatches: 1 } }]).outcome).toBe(
      'not reproduced',
    );
    expect(exactnessVerdict([]).outcome).toBe('inconclusive');
  });

  it('the headline is not reproduced when any output differs from greedy, however many tokens per forward', () => {
    const full = (condition: string, seed: number, tpf: number, mismatches: number) => ({
      ...run(condition, seed, { 'tpf-k4': tpf, 'speedup-k4': 2, mismatches }),
      id: `${condition}-seed${seed}`,
      mode: 'full' as const,
      config: {},
      units: 1,
      curves: {},
      backend: 'cpu',
      git: null,
      command: '',
      wallSeconds: 1,
      resumed: false,
      finishedAt: '',
    });
    const clean = [0, 1, 2].flatMap((s) => [full('joint', s, 3.4, 0), full('heads-added', s, 2, 0)]);
    const summary = summarize({ results: clean, mode: 'full' });
    expect(summary.verdict?.outcome).toBe('reproduced');
    expect(summary.checks?.map((c) => c.outcome)).toEqual(['reproduced', 'reproduced', 'reproduced']);
    const broken = summarize({ results: [...clean.slice(1), full('joint', 0, 3.4, 2)], mode: 'full' });
    expect(broken.verdict?.outcome).toBe('not reproduced');
    expect(broken.verdict?.evidence).toMatch(/2 mismatching outputs/);
  });
});
