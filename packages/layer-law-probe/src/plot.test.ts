import { describe, expect, it } from 'vitest';
import { fitLayerLaw } from './law-fit.js';
import { layerLawPlotSpec, renderLayerLawSvg } from './plot.js';

const trained = fitLayerLaw({ pr: [0.8, 0.4, 0.2, 0.1] });
const init = fitLayerLaw({ pr: [0.5, 0.6, 0.55, 0.7] });

type Layer = {
  data: { values: Array<{ series: string; layer: number; pr: number }> };
  encoding: { y: unknown };
};

describe('layerLawPlotSpec', () => {
  it('plots PR per layer on a log scale and each fitted law from its first to its last layer', () => {
    const spec = layerLawPlotSpec({ series: [{ name: 'trained', fit: trained }], title: 'PR per layer' });
    const [points, lines] = (spec as unknown as { layer: Layer[] }).layer;
    expect(points?.data.values).toEqual([
      { series: 'trained (r = −1.000, ρ = 0.500)', layer: 1, pr: 0.8 },
      { series: 'trained (r = −1.000, ρ = 0.500)', layer: 2, pr: 0.4 },
      { series: 'trained (r = −1.000, ρ = 0.500)', layer: 3, pr: 0.2 },
      { series: 'trained (r = −1.000, ρ = 0.500)', layer: 4, pr: 0.1 },
    ]);
    expect(points?.encoding.y).toMatchObject({ field: 'pr', scale: { type: 'log' } });
    const ends = lines?.data.values ?? [];
    expect(ends.map((p) => p.layer)).toEqual([1, 4]);
    expect(ends[0]?.pr).toBeCloseTo(0.8, 12);
    expect(ends[1]?.pr).toBeCloseTo(0.1, 12);
  });

  it('leaves out PR = 0 and fits it cannot draw; plain names without fit lines', () => {
    const zero = fitLayerLaw({ pr: [0.3, 0] });
    const spec = layerLawPlotSpec({
      series: [
        { name: 'a', fit: zero },
        { name: 'b', fit: init },
      ],
      fitLines: false,
    });
    const layers = (spec as unknown as { layer: Layer[] }).layer;
    expect(layers).toHaveLength(1);
    expect(layers[0]?.data.values.filter((p) => p.series === 'a')).toEqual([
      { series: 'a', layer: 1, pr: 0.3 },
    ]);
    expect(new Set(layers[0]?.data.values.map((p) => p.series))).toEqual(new Set(['a', 'b']));
  });

  it('rejects no series, repeated names and bad sizes', () => {
    expect(() => layerLawPlotSpec({ series: [] })).toThrow(/`series`/);
    expect(() =>
      layerLawPlotSpec({
        series: [
          { name: 'a', fit: init },
          { name: 'a', fit: trained },
        ],
      }),
    ).toThrow(/`series\[1\]\.name`: must be a unique string/);
    expect(() => layerLawPlotSpec({ series: [{ name: 'a', fit: init }], width: 0 })).toThrow(/`width`/);
  });
});

describe('renderLayerLawSvg', () => {
  it('renders an SVG with the title, one line per series plus the dashed fits, and the legend', async () => {
    const svg = await renderLayerLawSvg({
      series: [
        { name: 'step 0', fit: init },
        { name: 'step 2000', fit: trained },
      ],
      title: 'Equi-learning law',
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Equi-learning law');
    expect(svg).toContain('step 2000 (r = −1.000, ρ = 0.500)');
    expect(svg).toContain('prediction residual PR (log scale)');
    // Two series: two data lines and two dashed fit lines.
    expect(svg.match(/<path[^>]*stroke-dasharray="5,4"/g)).toHaveLength(2);
    expect(svg.match(/role-mark[^"]*"[^>]*>/g)?.length).toBeGreaterThanOrEqual(3);
    expect(
      await renderLayerLawSvg({
        series: [
          { name: 'step 0', fit: init },
          { name: 'step 2000', fit: trained },
        ],
        title: 'Equi-learning law',
      }),
    ).toBe(svg);
  });
});
