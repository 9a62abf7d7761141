import { describe, expect, it } from 'vitest';
import { fakeResult } from '../test/results.js';
import { plotToVegaLite, renderSvg } from './plots.js';

// Vega's SVG renderer labels every mark item for screen readers (`aria-label="step: 0; value: 0.1; ..."`) and
// every legend; the tests read the plotted series back from those labels.
const labels = (svg: string) => [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1] as string);
const marks = (svg: string, role: string) =>
  (svg.match(new RegExp(`class="mark-${role} role-mark`, 'g')) ?? []).length;

// Seed curves start at distinct values so each line's label (its first point) identifies it.
const curve = (start: number) => [0, 10, 20].map((step) => ({ step, value: start + 0.01 * step }));
const results = [
  fakeResult({ condition: 'n1', seed: 0, metrics: { acc: 0.4 }, curves: { acc: curve(0.1) } }),
  fakeResult({ condition: 'n1', seed: 1, metrics: { acc: 0.5 }, curves: { acc: curve(0.2) } }),
  fakeResult({ condition: 'n2', seed: 0, metrics: { acc: 0.7 }, curves: { acc: curve(0.3) } }),
  fakeResult({ condition: 'n2', seed: 1, metrics: { acc: 0.9 }, curves: { acc: curve(0.5) } }),
];

describe('plots', () => {
  it('learning curves: a thin line per seed and a mean line per condition', async () => {
    const spec = plotToVegaLite({
      plot: { kind: 'curves', file: 'acc.svg', curve: 'acc', title: 'accuracy during training' },
      results,
      conditions: ['n1', 'n2'],
    });
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(marks(svg, 'line')).toBe(6); // four seed lines and two mean lines
    expect(labels(svg).filter((l) => l.startsWith('step: 0;'))).toEqual([
      'step: 0; acc: 0.1; condition: n1; seed: 0',
      'step: 0; acc: 0.2; condition: n1; seed: 1',
      'step: 0; acc: 0.3; condition: n2; seed: 0',
      'step: 0; acc: 0.5; condition: n2; seed: 1',
      'step: 0; acc: 0.15; condition: n1', // the means over seeds
      'step: 0; acc: 0.4; condition: n2',
    ]);
    expect(labels(svg)).toEqual(
      expect.arrayContaining([
        "X-axis titled 'step' for a linear scale with values from 0 to 20",
        "Symbol legend titled 'condition' for stroke color with 2 values: n1, n2",
        "Title text 'accuracy during training'",
      ]),
    );
  });

  it('headline comparison: seeds as dots, mean ± sample std as a tick and a bar', async () => {
    const svg = await renderSvg(
      plotToVegaLite({
        plot: { kind: 'comparison', file: 'acc.svg', metric: 'acc' },
        results,
        conditions: ['n1', 'n2'],
      }),
    );
    expect([marks(svg, 'rule'), marks(svg, 'rect'), marks(svg, 'symbol')]).toEqual([1, 1, 1]);
    // n1: mean 0.45, s = √0.005 = 0.0707; n2: mean 0.8, s = √0.02 = 0.1414.
    expect(labels(svg).filter((l) => l.startsWith('condition:'))).toEqual([
      'condition: n1; acc: 0.379289321881; high: 0.520710678119', // mean ± s
      'condition: n2; acc: 0.658578643763; high: 0.941421356237',
      'condition: n1; acc: 0.45', // mean ticks
      'condition: n2; acc: 0.8',
      'condition: n1; acc: 0.4', // one dot per seed
      'condition: n1; acc: 0.5',
      'condition: n2; acc: 0.7',
      'condition: n2; acc: 0.9',
    ]);
  });

  it('renders an app’s own Vega-Lite spec and rejects file names that are not plain .svg names', async () => {
    const svg = await renderSvg(
      plotToVegaLite({
        plot: {
          kind: 'vega-lite',
          file: 'r.svg',
          spec: {
            data: { values: [{ layer: 1, pr: 0.5 }] },
            mark: 'point',
            encoding: { x: { field: 'layer', type: 'ordinal' }, y: { field: 'pr', type: 'quantitative' } },
          },
        },
        results,
        conditions: [],
      }),
    );
    expect(labels(svg)).toContain('layer: 1; pr: 0.5');
    expect(() =>
      plotToVegaLite({ plot: { kind: 'curves', file: '../x.svg', curve: 'acc' }, results, conditions: [] }),
    ).toThrow('plots.file: "../x.svg" must be a plain file name ending in .svg');
  });
});
