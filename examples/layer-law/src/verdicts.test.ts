import { describe, expect, it } from 'vitest';
import { lawVerdict, signFlipVerdict } from './verdicts.js';

const run = (condition: string, seed: number, metrics: Record<string, number>) => ({
  condition,
  seed,
  metrics,
});
const rFinal = (values: (number | undefined)[], condition = 'next-token') =>
  values.map((r, seed) => run(condition, seed, r === undefined ? {} : { rFinal: r }));

describe('lawVerdict', () => {
  it('reproduced only when every one of ≥ 3 seeds is below −0.9', () => {
    expect(lawVerdict({ results: rFinal([-0.95, -0.99, -0.91]), condition: 'next-token' }).outcome).toBe(
      'reproduced',
    );
    expect(lawVerdict({ results: rFinal([-0.95, -0.99, -0.9]), condition: 'next-token' }).outcome).toBe(
      'inconclusive',
    );
    expect(lawVerdict({ results: rFinal([-0.95, -0.99]), condition: 'next-token' }).outcome).toBe(
      'inconclusive',
    );
  });

  it('not reproduced when no seed is below −0.9; an undefined r counts as failing', () => {
    expect(lawVerdict({ results: rFinal([-0.5, 0.3, undefined]), condition: 'next-token' }).outcome).toBe(
      'not reproduced',
    );
    expect(lawVerdict({ results: rFinal([-0.95, -0.97, undefined]), condition: 'next-token' }).outcome).toBe(
      'inconclusive',
    );
  });

  it('judges only the named condition and metric, and states its evidence', () => {
    const results = [...rFinal([-0.99, -0.99, -0.99]), ...rFinal([0.5, 0.5, 0.5], '2-token')];
    expect(lawVerdict({ results, condition: '2-token' }).outcome).toBe('not reproduced');
    const verdict = lawVerdict({ results, condition: 'next-token', label: 'x' });
    expect(verdict).toMatchObject({ outcome: 'reproduced', label: 'x' });
    expect(verdict.evidence).toBe(
      'rFinal by seed: seed 0 -0.99, seed 1 -0.99, seed 2 -0.99 (3 of 3 below -0.9)',
    );
    expect(lawVerdict({ results, condition: 'next-token', metric: 'rOneHotFinal' }).outcome).toBe(
      'not reproduced',
    );
    expect(lawVerdict({ results: [], condition: 'next-token' }).evidence).toMatch(/no finished run/);
  });
});

describe('signFlipVerdict', () => {
  const flips = (pairs: [number, number][]) =>
    pairs.map(([rStep0, rFinal], seed) => run('next-token', seed, { rStep0, rFinal }));

  it('reproduced when r goes from > 0 at step 0 to < 0 in every one of ≥ 3 seeds', () => {
    const verdict = signFlipVerdict({
      results: flips([
        [0.9, -0.9],
        [0.1, -0.2],
        [0.5, -0.99],
      ]),
      condition: 'next-token',
    });
    expect(verdict.outcome).toBe('reproduced');
    expect(verdict.evidence).toContain('3 of 3 flip');
  });

  it('not reproduced when no seed flips, inconclusive when some do', () => {
    const none = flips([
      [-0.9, -0.9],
      [0.5, 0.2],
      [0, -0.5],
    ]);
    expect(signFlipVerdict({ results: none, condition: 'next-token' }).outcome).toBe('not reproduced');
    const some = flips([
      [0.9, -0.9],
      [0.5, 0.2],
      [0.3, -0.5],
    ]);
    expect(signFlipVerdict({ results: some, condition: 'next-token' }).outcome).toBe('inconclusive');
  });
});
