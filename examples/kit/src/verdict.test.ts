import { describe, expect, it } from 'vitest';
import { KitError } from './errors.js';
import { compareConditions } from './verdict.js';

const runs = (condition: string, values: number[], firstSeed = 0) =>
  values.map((acc, i) => ({ condition, seed: firstSeed + i, metrics: { acc } }));

// A = 0.40, 0.42, 0.44 (mean 0.42, s = 0.02); B = 0.50, 0.55, 0.60 (mean 0.55, s = 0.05).
// Paired improvements 0.10, 0.13, 0.16 (mean 0.13); pooled s = √((2·0.02² + 2·0.05²)/4) = √0.00145 = 0.038079;
// 0.13 / 0.038079 = 3.414. Welch: s²/n = 0.000133 and 0.000833, t = 0.13 / √0.000967 = 4.181,
// ν = 0.000967² / (0.000133²/2 + 0.000833²/2) = 2.624.
const A = runs('A', [0.4, 0.42, 0.44]);
const B = runs('B', [0.5, 0.55, 0.6]);
const compare = (options: Partial<Parameters<typeof compareConditions>[0]> = {}) =>
  compareConditions({
    results: [...A, ...B],
    metric: 'acc',
    baseline: 'A',
    treatment: 'B',
    higherIsBetter: true,
    ...options,
  });

describe('compareConditions', () => {
  it('reproduced: better in every seed and by more than the margin, with the numbers stated', () => {
    expect(compare()).toEqual({
      outcome: 'reproduced',
      criterion:
        'B beats A on acc (higher is better) in every seed, with at least 3 seeds paired by seed, and the mean ' +
        'difference exceeds 1 × the pooled sample std → reproduced; A beats B by the same rule → not reproduced; ' +
        'anything else → inconclusive.',
      evidence:
        'B 0.55 ± 0.05 vs A 0.42 ± 0.02 (mean ± sample std, 3 paired seeds); mean improvement 0.13 = 3.414 × ' +
        'the pooled std 0.03808; B better in 3 of 3 seeds, worse in 0; Welch t = 4.181 (df 2.624).',
    });
  });

  it('inconclusive when the difference is within margin × pooled std (3.414 < 4)', () => {
    expect(compare({ margin: 3.4 }).outcome).toBe('reproduced');
    expect(compare({ margin: 4 }).outcome).toBe('inconclusive');
  });

  it('not reproduced when the baseline wins by the same rule', () => {
    expect(compare({ baseline: 'B', treatment: 'A' }).outcome).toBe('not reproduced');
    // For a loss, the higher values of B are worse.
    expect(compare({ higherIsBetter: false }).outcome).toBe('not reproduced');
  });

  it('inconclusive when one seed goes the other way, however large the mean difference', () => {
    const mixed = runs('B', [0.9, 0.41, 0.9]);
    const verdict = compare({ results: [...A, ...mixed] });
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.evidence).toContain('B better in 2 of 3 seeds, worse in 1');
  });

  it('says so when neither condition varies (every seed scored 0) instead of printing a ratio to 0', () => {
    const zeros = [...runs('A', [0, 0, 0]), ...runs('B', [0, 0, 0])];
    const verdict = compare({ results: zeros });
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.evidence).toBe(
      'B 0 ± 0 vs A 0 ± 0 (mean ± sample std, 3 paired seeds); mean improvement 0 with no spread in either ' +
        'condition (pooled std 0); B better in 0 of 3 seeds, worse in 0; Welch t undefined (no variance).',
    );
  });

  it('pairs by seed, leaving out seeds run under one condition only', () => {
    const extra = runs('B', [0], 7); // seed 7 has no baseline run
    expect(compare({ results: [...A, ...B, ...extra] }).evidence).toContain('3 paired seeds');
    const twoPairs = compare({ results: [...A.slice(0, 2), ...B] });
    expect(twoPairs).toMatchObject({
      outcome: 'inconclusive',
      evidence: 'only 2 seeds ran under both A and B; the criterion needs 3',
    });
    expect(compare({ results: [...A.slice(0, 2), ...B], minSeeds: 2 }).outcome).toBe('reproduced');
  });

  it('carries a label and names a missing metric', () => {
    expect(compare({ label: 'd=64' }).label).toBe('d=64');
    let error: unknown;
    try {
      compare({ metric: 'loss' });
    } catch (e) {
      error = e;
    }
    expect(KitError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toBe('metric: run A seed 0 has no "loss" (it has acc)');
  });
});
