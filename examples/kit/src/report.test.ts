import { describe, expect, it } from 'vitest';
import { fakeResult } from '../test/results.js';
import { buildResults, conditionTable, renderMarkdown } from './report.js';
import { compareConditions } from './verdict.js';

const results = [
  fakeResult({ condition: 'n1', seed: 0, metrics: { acc: 0.4, loss: 2 } }),
  fakeResult({ condition: 'n2', seed: 0, metrics: { acc: 0.5, loss: 1.5 } }),
  fakeResult({ condition: 'n1', seed: 1, metrics: { acc: 0.42, loss: 2.2 } }),
  fakeResult({ condition: 'n2', seed: 1, metrics: { acc: 0.55, loss: 1.25 } }),
  fakeResult({ condition: 'n1', seed: 2, metrics: { acc: 0.44, loss: 2.4 } }),
  fakeResult({ condition: 'n2', seed: 2, metrics: { acc: 0.6 } }),
];
const session = {
  command: 'tsx examples/toy/src/main.ts --quick',
  git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: true },
  backend: 'backend: wasm (SIMD on)',
};
const build = (runs = results, runsPlanned = 6) => ({
  ...buildResults({
    experiment: { name: 'toy', title: '2-token heads help' },
    mode: 'quick',
    conditions: ['n1', 'n2'],
    runsPlanned,
    results: runs,
    summary: {
      verdict: compareConditions({
        results: runs,
        metric: 'acc',
        baseline: 'n1',
        treatment: 'n2',
        higherIsBetter: true,
      }),
      metrics: ['acc', 'loss'],
      plots: [{ kind: 'comparison', file: 'acc.svg', metric: 'acc' }],
      notes: 'The effect is larger than the paper’s.',
    },
    session,
  }),
  node: 'v20.0.0',
  writtenAt: '2025-01-02T03:04:05.000Z',
});

describe('reports', () => {
  it('tabulates mean ± sample std per condition over the runs that reported each metric', () => {
    const [n1, n2] = conditionTable({ results, conditions: ['n1', 'n2'], metrics: ['acc', 'loss'] });
    expect(n1?.n).toBe(3);
    expect(n1?.metrics.acc?.mean).toBeCloseTo(0.42, 15);
    expect(n1?.metrics.acc?.std).toBeCloseTo(0.02, 15);
    expect(n1?.metrics.loss).toEqual({ n: 3, mean: expect.closeTo(2.2, 15), std: expect.closeTo(0.2, 15) });
    expect(n2?.metrics.loss).toEqual({ n: 2, mean: 1.375, std: expect.closeTo(Math.sqrt(0.03125), 15) });
  });

  it('results.json holds the runs, the session and the summary', () => {
    const file = build();
    expect(JSON.parse(JSON.stringify(file))).toEqual(file); // plain JSON
    expect(file).toMatchObject({
      experiment: 'toy',
      title: '2-token heads help',
      mode: 'quick',
      complete: true,
      runsPlanned: 6,
      runsFinished: 6,
      command: session.command,
      git: session.git,
      backend: session.backend,
      summary: {
        metrics: ['acc', 'loss'],
        verdict: { outcome: 'reproduced' },
        checks: [],
        notes: 'The effect is larger than the paper’s.',
        plots: ['plots/acc.svg'],
      },
    });
    expect(file.runs).toEqual(results);
  });

  it('results.md states the verdict, the table, the plots, every run and how it was made', () => {
    expect(renderMarkdown(build())).toBe(
      [
        '# toy: 2-token heads help',
        '',
        'Mode `quick`, all 6 runs finished.',
        '',
        '## Verdict: reproduced',
        '',
        '- Criterion: n2 beats n1 on acc (higher is better) in every seed, with at least 3 seeds paired by seed, ' +
          'and the mean difference exceeds 1 × the pooled sample std → reproduced; n1 beats n2 by the same rule → ' +
          'not reproduced; anything else → inconclusive.',
        '- Evidence: n2 0.55 ± 0.05 vs n1 0.42 ± 0.02 (mean ± sample std, 3 paired seeds); mean improvement 0.13 = ' +
          '3.414 × the pooled std 0.03808; n2 better in 3 of 3 seeds, worse in 0; Welch t = 4.181 (df 2.624).',
        '',
        'The effect is larger than the paper’s.',
        '',
        '## Per condition',
        '',
        'Mean ± sample standard deviation over seeds; n = seeds finished.',
        '',
        '| condition | n | acc | loss |',
        '| --- | --: | --: | --: |',
        '| n1 | 3 | 0.42 ± 0.02 | 2.2 ± 0.2 |',
        '| n2 | 3 | 0.55 ± 0.05 | 1.375 ± 0.1768 (n = 2) |',
        '',
        '## Plots',
        '',
        '![plots/acc.svg](plots/acc.svg)',
        '',
        '## Runs',
        '',
        '| run | seed | acc | loss | wall time | backend | commit |',
        '| --- | --: | --: | --: | --: | --- | --- |',
        '| n1-seed0 | 0 | 0.4 | 2 | 1m 15s | wasm | 0123456789 |',
        '| n2-seed0 | 0 | 0.5 | 1.5 | 1m 15s | wasm | 0123456789 |',
        '| n1-seed1 | 1 | 0.42 | 2.2 | 1m 15s | wasm | 0123456789 |',
        '| n2-seed1 | 1 | 0.55 | 1.25 | 1m 15s | wasm | 0123456789 |',
        '| n1-seed2 | 2 | 0.44 | 2.4 | 1m 15s | wasm | 0123456789 |',
        '| n2-seed2 | 2 | 0.6 | – | 1m 15s | wasm | 0123456789 |',
        '',
        '## How this was made',
        '',
        '`tsx examples/toy/src/main.ts --quick` at commit 0123456789 (with uncommitted changes); backend: wasm ' +
          '(SIMD on); Node v20.0.0; written 2025-01-02T03:04:05.000Z.',
        '',
        'Some runs were finished by: `tsx examples/toy/src/main.ts --quick` at 0123456789.',
        '',
      ].join('\n'),
    );
  });

  it('results.md names each run’s threads, what chose them and the timings, once a run recorded them', () => {
    const threaded = results.map((run, i) => {
      if (i === 0)
        return { ...run, training: { threads: 2, decidedBy: 'auto', singleMs: 63.14, parallelMs: 41.2 } };
      if (i === 1)
        return { ...run, training: { threads: 1, decidedBy: 'recorded', singleMs: 50, parallelMs: 48 } };
      if (i === 2)
        return { ...run, training: { threads: 2, decidedBy: 'on', singleMs: null, parallelMs: null } };
      return run; // a run whose app records nothing
    }) as typeof results;
    const md = renderMarkdown(build(threaded));
    expect(md).toContain(
      [
        '| run | seed | acc | loss | wall time | threads | backend | commit |',
        '| --- | --: | --: | --: | --: | --- | --- | --- |',
        '| n1-seed0 | 0 | 0.4 | 2 | 1m 15s | 2 (auto: 63.14 ms → 41.2 ms) | wasm | 0123456789 |',
        '| n2-seed0 | 0 | 0.5 | 1.5 | 1m 15s | 1 (recorded: 50 ms → 48 ms) | wasm | 0123456789 |',
        '| n1-seed1 | 1 | 0.42 | 2.2 | 1m 15s | 2 (on) | wasm | 0123456789 |',
        '| n2-seed1 | 1 | 0.55 | 1.25 | 1m 15s | – | wasm | 0123456789 |',
      ].join('\n'),
    );
    expect(md).toContain('took two when at least 10 % faster');
    expect(build(threaded).runs[0]?.training).toEqual({
      threads: 2,
      decidedBy: 'auto',
      singleMs: 63.14,
      parallelMs: 41.2,
    });
  });

  it('names a tabulated metric that no run reported, once every run is in', () => {
    const withMetrics = (runs: typeof results, runsPlanned: number) =>
      buildResults({
        experiment: { name: 'toy', title: 't' },
        mode: 'quick',
        conditions: ['n1', 'n2'],
        runsPlanned,
        results: runs,
        summary: { metrics: ['acc', 'ood'] },
        session,
      });
    // While runs are missing, the ones reporting `ood` may not have finished yet.
    expect(withMetrics(results.slice(0, 2), 6).summary.table[0]?.metrics.ood).toBeNull();
    expect(() => withMetrics(results, 6)).toThrow('summary.metrics: no run reported a metric "ood"');
  });

  it('marks partial results and single-seed cells', () => {
    const md = renderMarkdown(build(results.slice(0, 2), 6));
    expect(md).toContain(
      '**Partial results: 2 of 6 runs finished** (mode `quick`); the verdict uses only the finished runs.',
    );
    expect(md).toContain('## Verdict: inconclusive');
    expect(md).toContain('- Evidence: only 1 seed ran under both n1 and n2; the criterion needs 3');
    expect(md).toContain('| n1 | 1 | 0.4 | 2 |');
  });
});
