import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededNormal, seededRandom, thrown } from '../test/naive-ols.js';
import { ResidualAccumulator } from './accumulator.js';
import { LayerProbe, type LayerProbeOptions } from './layer-probe.js';
import type { ProbeBatch } from './probe-batch.js';
import { type ProbeTarget, TARGET_OFFSETS } from './targets.js';

const ALL_TARGETS: ProbeTarget[] = ['previous', 'current', 'next', 'next-next'];

/**
 * B sequences of T tokens with `layers` entries of d-wide states; each layer mixes the current and next token's
 * embedding into its state with a growing weight, so PR falls with depth and every target is partly predictable.
 */
function syntheticBatch(args: {
  B: number;
  T: number;
  d: number;
  layers: number;
  vocab: number;
  seed: number;
}) {
  const { B, T, d, layers, vocab, seed } = args;
  const random = seededRandom(seed);
  const normal = seededNormal(seed + 1);
  const table = Array.from({ length: vocab }, () => Array.from({ length: d }, normal));
  const ids = Array.from({ length: B }, () => Array.from({ length: T }, () => Math.floor(random() * vocab)));
  const hiddenStates = Array.from({ length: layers }, (_, l) => {
    const states = new Float32Array(B * T * d);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < T; j++) {
        const current = table[ids[b]?.[j] as number] as number[];
        const next = table[ids[b]?.[Math.min(j + 1, T - 1)] as number] as number[];
        for (let i = 0; i < d; i++) {
          states[(b * T + j) * d + i] =
            3 + (current[i] as number) + (l / layers) * (next[i] as number) + 0.5 * normal();
        }
      }
    }
    return states;
  });
  return { ids, hiddenStates };
}

/** The samples of `target` in a batch, listed one by one as the authors' code builds them. */
function explicitSamples(batch: ProbeBatch, layer: number, target: ProbeTarget, d: number) {
  const features: number[] = [];
  const targets: number[] = [];
  const offset = TARGET_OFFSETS[target];
  batch.ids.forEach((row, b) => {
    const T = row.length;
    const token = (j: number) => j >= 0 && j < T && (batch.mask?.[b]?.[j] ?? 1) === 1;
    for (let j = 0; j < T; j++) {
      if (!token(j) || !token(j + offset)) continue;
      const start = (b * T + j) * d;
      features.push(...Array.from(batch.hiddenStates[layer] as ArrayLike<number>).slice(start, start + d));
      targets.push(row[j + offset] as number);
    }
  });
  return { features, targets };
}

const options = (overrides: Partial<LayerProbeOptions> = {}): LayerProbeOptions => ({
  dModel: 4,
  layers: 3,
  normalization: { kind: 'none' },
  targets: ALL_TARGETS,
  oneHot: true,
  ...overrides,
});

describe('LayerProbe: every layer and target equals a residual fitted on the explicit samples', () => {
  const generated = syntheticBatch({ B: 5, T: 9, d: 4, layers: 3, vocab: 6, seed: 1 });
  const batch: ProbeBatch = generated;
  // Right padding on two sequences, and a gap, so samples depend on the mask.
  batch.mask = generated.ids.map((row, b) =>
    row.map((_, j) => ((b === 1 && j >= 6) || (b === 3 && j === 4) ? 0 : 1)),
  );

  it('in-sample, all four targets, id and one-hot', () => {
    const probe = new LayerProbe(options());
    probe.add(batch);
    const report = probe.report();
    for (const target of ALL_TARGETS) {
      for (let l = 0; l < 3; l++) {
        const reference = new ResidualAccumulator({ dim: 4, oneHot: true });
        reference.add(explicitSamples(batch, l, target, 4));
        const expected = reference.residual();
        const got = report.targets[target];
        expect(got?.samples).toBe(expected.samples);
        expect(got?.pr[l]).toBeCloseTo(expected.pr, 10);
        expect(got?.prOneHot?.[l]).toBeCloseTo(expected.prOneHot as number, 10);
        expect(got?.rank[l]).toBe(expected.rank);
      }
    }
    // 45 positions, 4 of them padding; `next` loses the last token of each sequence and the one before the gap.
    expect(report.targets.next?.samples).toBe(45 - 4 - 5 - 1);
    expect(report.targets.current?.samples).toBe(45 - 4);
    expect(probe.positions).toBe(45 - 4);
  });

  it('held out: fitted on one batch, scored on another', () => {
    const other = syntheticBatch({ B: 4, T: 9, d: 4, layers: 3, vocab: 6, seed: 2 });
    const probe = new LayerProbe(options());
    const heldOut = new LayerProbe(options());
    probe.add(batch);
    heldOut.add(other);
    const report = probe.report({ heldOut });
    expect(report.evaluation).toBe('held-out');
    for (const target of ALL_TARGETS) {
      const fit = new ResidualAccumulator({ dim: 4, oneHot: true });
      const evaluation = new ResidualAccumulator({ dim: 4, oneHot: true });
      fit.add(explicitSamples(batch, 2, target, 4));
      evaluation.add(explicitSamples(other, 2, target, 4));
      const expected = fit.residual({ heldOut: evaluation });
      expect(report.targets[target]?.pr[2]).toBeCloseTo(expected.pr, 10);
      expect(report.targets[target]?.prOneHot?.[2]).toBeCloseTo(expected.prOneHot as number, 10);
      expect(report.targets[target]?.heldOutSamples).toBe(expected.heldOutSamples);
      expect(report.targets[target]?.nullPr).toBeUndefined();
    }
  });
});

describe('LayerProbe: normalisation of every layer but the last', () => {
  const batch = syntheticBatch({ B: 3, T: 10, d: 5, layers: 3, vocab: 5, seed: 3 });

  /** The reference per-token norms, written out directly. */
  const normalize = (row: number[], kind: 'layernorm' | 'rmsnorm' | 'z-score') => {
    const mean = kind === 'rmsnorm' ? 0 : row.reduce((s, v) => s + v, 0) / row.length;
    const square = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
    return row.map((v) => (v - mean) / Math.sqrt(square + (kind === 'z-score' ? 0 : 1e-5)));
  };

  for (const kind of ['layernorm', 'rmsnorm', 'z-score'] as const) {
    it(`${kind}: layers 0 and 1 normalised per token, the last layer as given`, () => {
      const probe = new LayerProbe(
        options({
          dModel: 5,
          targets: ['next'],
          normalization: kind === 'z-score' ? { kind } : { kind: 'initialized-norm', norm: kind },
        }),
      );
      probe.add(batch);
      const report = probe.report();
      for (let l = 0; l < 3; l++) {
        const { features, targets } = explicitSamples(batch, l, 'next', 5);
        const rows = Array.from({ length: targets.length }, (_, k) => features.slice(k * 5, k * 5 + 5));
        const reference = new ResidualAccumulator({ dim: 5, oneHot: true });
        reference.add({ features: rows.flatMap((row) => (l < 2 ? normalize(row, kind) : row)), targets });
        expect(report.targets.next?.pr[l]).toBeCloseTo(reference.residual().pr, 10);
        expect(report.targets.next?.prOneHot?.[l]).toBeCloseTo(reference.residual().prOneHot as number, 10);
      }
      // LayerNorm and z-scored rows sum to zero: one direction fewer.
      expect(report.targets.next?.rank).toEqual(kind === 'rmsnorm' ? [5, 5, 5] : [4, 4, 5]);
    });
  }
});

describe('LayerProbe: streaming', () => {
  it('property: the sequences fed in batches of any sizes give the one-batch report to 1e-9', () => {
    const B = 12;
    const whole = syntheticBatch({ B, T: 8, d: 6, layers: 3, vocab: 7, seed: 4 });
    const one = new LayerProbe(options({ dModel: 6 }));
    one.add(whole);
    const expected = one.report();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: B - 1 }), { maxLength: 6 }), (cuts) => {
        const bounds = [...new Set([0, ...cuts, B])].sort((a, b) => a - b);
        const streamed = new LayerProbe(options({ dModel: 6 }));
        for (let k = 1; k < bounds.length; k++) {
          const [from, to] = [bounds[k - 1] as number, bounds[k] as number];
          streamed.add({
            ids: whole.ids.slice(from, to),
            hiddenStates: whole.hiddenStates.map((states) => states.slice(from * 8 * 6, to * 8 * 6)),
          });
        }
        const got = streamed.report();
        for (const target of ALL_TARGETS) {
          const [a, b] = [got.targets[target], expected.targets[target]];
          for (let l = 0; l < 3; l++) {
            expect(Math.abs((a?.pr[l] as number) - (b?.pr[l] as number))).toBeLessThan(1e-9);
            expect(Math.abs((a?.prOneHot?.[l] as number) - (b?.prOneHot?.[l] as number))).toBeLessThan(1e-9);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('LayerProbe: report', () => {
  it('is plain JSON with the law fitted from `lawFrom` and the expected null PR per layer', () => {
    const probe = new LayerProbe(
      options({
        dModel: 6,
        layers: 4,
        layerNames: ['embed', 'blocks.0', 'blocks.1', 'heads.0'],
        targets: ['next'],
      }),
    );
    probe.add(syntheticBatch({ B: 20, T: 16, d: 6, layers: 4, vocab: 8, seed: 5 }));
    const report = probe.report();
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const next = report.targets.next;
    expect(report.layers).toEqual(['embed', 'blocks.0', 'blocks.1', 'heads.0']);
    expect(report.lawFrom).toBe(1);
    expect(next?.law.layers).toEqual([1, 2, 3]);
    expect(next?.law.pr).toEqual(next?.pr.slice(1));
    expect(next?.samples).toBe(20 * 15);
    expect(next?.nullPr?.[0]).toBeCloseTo(1 - 6 / (300 - 1), 14);
    // The synthetic states carry more of the next token with depth.
    expect(next?.law.slope).toBeLessThan(0);
    expect(next?.lawOneHot?.slope).toBeLessThan(0);
  });

  it('a probe with one entry fits the law on it (degenerate: single layer)', () => {
    const probe = new LayerProbe(options({ dModel: 6, layers: 1, targets: ['next'] }));
    probe.add(syntheticBatch({ B: 4, T: 8, d: 6, layers: 1, vocab: 8, seed: 6 }));
    expect(probe.report().targets.next?.law.degenerate).toBe('single-layer');
  });
});

describe('LayerProbe: bad options and input', () => {
  it('options are checked, naming the field', () => {
    const bad: Array<[Partial<LayerProbeOptions>, string]> = [
      [{ dModel: 0 }, 'dModel'],
      [{ layers: 1.5 }, 'layers'],
      [{ layerNames: ['a'] }, 'layerNames'],
      [{ normalization: { kind: 'layer' } as never }, 'normalization.kind'],
      [{ normalization: { kind: 'initialized-norm', norm: 'batchnorm' } as never }, 'normalization.norm'],
      [{ normalization: { kind: 'initialized-norm', norm: 'rmsnorm', eps: -1 } }, 'normalization.eps'],
      [{ targets: [] }, 'targets'],
      [{ targets: ['next', 'after'] as never }, 'targets[1]'],
      [{ targets: ['next', 'next'] }, 'targets[1]'],
      [{ lawFrom: 3 }, 'lawFrom'],
    ];
    for (const [override, field] of bad) {
      expect(thrown(() => new LayerProbe(options(override)))).toMatchObject({
        code: 'INVALID_OPTION',
        field,
      });
    }
  });

  it('a rejected batch changes nothing', () => {
    const good = syntheticBatch({ B: 3, T: 6, d: 4, layers: 3, vocab: 5, seed: 7 });
    const probe = new LayerProbe(options());
    probe.add(good);
    const before = probe.report();
    const poisoned = syntheticBatch({ B: 2, T: 6, d: 4, layers: 3, vocab: 5, seed: 8 });
    (poisoned.hiddenStates[2] as Float32Array)[7 * 4 + 1] = Number.NaN;
    const cases: Array<[ProbeBatch, string, RegExp]> = [
      [poisoned, 'hiddenStates[2]', /sequence 1, position 1 has NaN at feature 1/],
      [
        { ...poisoned, hiddenStates: poisoned.hiddenStates.slice(1) },
        'hiddenStates',
        /one array per layer, 3/,
      ],
      [
        { ...good, hiddenStates: [...good.hiddenStates.slice(0, 2), new Float32Array(5)] },
        'hiddenStates[2]',
        /3·6·4 = 72/,
      ],
      [{ ...good, ids: [[1, 2], [3]] }, 'ids', /equal length/],
      [
        { ...good, ids: good.ids.map((row, b) => row.map((id, j) => (b === 2 && j === 3 ? -1 : id))) },
        'ids[2][3]',
        /got -1/,
      ],
      [{ ...good, mask: [[1]] }, 'mask', /\[3\]\[6\]/],
      [{ ...good, mask: good.ids.map((row) => row.map(() => 2)) }, 'mask[0][0]', /0 or 1/],
    ];
    for (const [batch, field, message] of cases) {
      const error = thrown(() => probe.add(batch)) as Error;
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
      expect(error.message).toMatch(message);
    }
    expect(probe.report()).toEqual(before);
  });

  it('padding may hold anything: masked ids and states are never read', () => {
    const batch = syntheticBatch({ B: 3, T: 6, d: 4, layers: 3, vocab: 5, seed: 9 });
    const probe = new LayerProbe(options());
    probe.add(batch);
    const padded = new LayerProbe(options());
    padded.add({
      ids: batch.ids.map((row) => [...row, -7]),
      mask: batch.ids.map((row) => [...row.map(() => 1), 0]),
      hiddenStates: batch.hiddenStates.map((states) => {
        const wide = new Float32Array(3 * 7 * 4).fill(Number.NaN);
        for (let b = 0; b < 3; b++) wide.set(states.subarray(b * 24, b * 24 + 24), b * 28);
        return wide;
      }),
    });
    expect(padded.report()).toEqual(probe.report());
  });

  it('a target that never varies, a mismatched held-out probe: errors that say so', () => {
    const probe = new LayerProbe(options({ targets: ['next'] }));
    const flat = syntheticBatch({ B: 2, T: 5, d: 4, layers: 3, vocab: 1, seed: 10 });
    probe.add(flat);
    expect(thrown(() => probe.report())).toMatchObject({ code: 'DEGENERATE_DATA', field: 'targets.next' });
    const other = new LayerProbe(options({ dModel: 5, targets: ['current'], oneHot: false }));
    const error = thrown(() => new LayerProbe(options()).report({ heldOut: other })) as Error;
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'heldOut' });
    expect(error.message).toMatch(/dModel 5 ≠ 4; no target previous, next, next-next; no one-hot statistics/);
  });
});
