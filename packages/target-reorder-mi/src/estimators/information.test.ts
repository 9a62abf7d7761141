import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/error-of.js';
import { millerMadowEstimator } from './estimator.js';
import {
  conditionalEntropy,
  conditionalMutualInformation,
  entropy,
  mutualInformation,
} from './information.js';
import { DiscreteVariable } from './variable.js';

const LN2 = Math.log(2);
/** Small-alphabet samples: enough repeats for non-trivial joints. */
const symbols = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 4 }), { minLength: length, maxLength: length });
const triples = fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(symbols(n), symbols(n), symbols(n)));

describe('entropy', () => {
  it('plug-in: counts 2, 1, 1 of 4 samples give −(½ log₂ ½ + 2·¼ log₂ ¼) = 1.5 bits', () => {
    expect(entropy({ x: ['a', 'a', 'b', 'c'] })).toBeCloseTo(1.5, 14);
    expect(entropy({ x: 'aabc' })).toBeCloseTo(1.5, 14);
  });

  it('Miller–Madow adds (m − 1)/(2N) nats: 3 occupied bins, N = 4 → 1.5 + 2/8/ln 2 bits', () => {
    // 2/8 nats = 0.25 / 0.693147… = 0.360674 bits.
    expect(entropy({ x: ['a', 'a', 'b', 'c'], estimator: 'miller-madow' })).toBeCloseTo(1.5 + 0.25 / LN2, 14);
    expect(entropy({ x: ['a', 'a', 'b', 'c'], estimator: 'miller-madow' })).toBeCloseTo(1.860674, 6);
  });

  it('Miller–Madow is the plug-in value plus its bias term, whatever the sample', () => {
    fc.assert(
      fc.property(symbols(25), (x) => {
        const bins = new Set(x).size;
        expect(entropy({ x, estimator: millerMadowEstimator })).toBeCloseTo(
          entropy({ x }) + (bins - 1) / (2 * x.length * LN2),
          12,
        );
      }),
    );
  });

  it('a uniform grid of 8 outcomes has exactly 3 bits, and a constant has 0 (Miller–Madow adds nothing for one bin)', () => {
    expect(entropy({ x: [0, 1, 2, 3, 4, 5, 6, 7], estimator: 'exact' })).toBe(3);
    expect(entropy({ x: [7, 7, 7] })).toBe(0);
    expect(entropy({ x: [7, 7, 7], estimator: 'miller-madow' })).toBe(0);
  });

  it('integer weights are multiplicities: identical to repeating the samples, under both estimators', () => {
    for (const estimator of ['plug-in', 'miller-madow'] as const) {
      expect(entropy({ x: ['a', 'b', 'c'], weights: [2, 1, 1], estimator })).toBeCloseTo(
        entropy({ x: ['a', 'a', 'b', 'c'], estimator }),
        14,
      );
    }
  });

  it('probability weights give the exact entropy of the distribution; Miller–Madow refuses them', () => {
    expect(entropy({ x: ['a', 'b', 'c'], weights: [0.5, 0.25, 0.25], estimator: 'exact' })).toBeCloseTo(
      1.5,
      14,
    );
    const error = errorOf(() => entropy({ x: ['a', 'b'], weights: [0.5, 0.5], estimator: 'miller-madow' }));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.field).toBe('estimator');
    expect(error.message).toMatch(/integer multiplicities/);
  });

  it('does not depend on how symbols are spelled: strings, numbers, booleans and typed arrays agree', () => {
    fc.assert(
      fc.property(symbols(40), (values) => {
        const h = entropy({ x: values });
        expect(entropy({ x: Uint8Array.from(values) })).toBeCloseTo(h, 12);
        expect(entropy({ x: values.map((v) => `s${v * 7}`) })).toBeCloseTo(h, 12);
        expect(entropy({ x: Uint32Array.from(values, (v) => v * 1_000_000_007) })).toBeCloseTo(h, 12);
      }),
    );
    expect(entropy({ x: [true, false, true, false] })).toBe(1);
  });
});

describe('mutual information', () => {
  it('independent variables (a full 3×4 grid) share 0 bits', () => {
    const x = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    const y = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3];
    expect(mutualInformation({ x, y, estimator: 'exact' })).toBeCloseTo(0, 14);
    expect(conditionalEntropy({ x: y, given: x })).toBeCloseTo(2, 14);
  });

  it('a variable shares all of its entropy with itself, I(X; X) = H(X), and H(X | X) = 0', () => {
    fc.assert(
      fc.property(symbols(30), (x) => {
        expect(mutualInformation({ x, y: x })).toBeCloseTo(entropy({ x }), 12);
        expect(conditionalEntropy({ x, given: x })).toBeCloseTo(0, 12);
      }),
    );
  });

  it('Miller–Madow bias term: 2 + 2 − 4 occupied bins → (1 + 1 − 3)/(2·4) nats below the plug-in 0', () => {
    const x = [0, 0, 1, 1];
    const y = [0, 1, 0, 1];
    expect(mutualInformation({ x, y })).toBeCloseTo(0, 14);
    expect(mutualInformation({ x, y, estimator: 'miller-madow' })).toBeCloseTo(-1 / (8 * LN2), 14);
  });

  it('XOR: X and Y are independent bits, but given Z = X ⊕ Y each determines the other (1 bit)', () => {
    const x = [0, 0, 1, 1];
    const y = [0, 1, 0, 1];
    const z = [0, 1, 1, 0];
    expect(mutualInformation({ x, y, estimator: 'exact' })).toBeCloseTo(0, 14);
    expect(conditionalMutualInformation({ x, y, given: z, estimator: 'exact' })).toBeCloseTo(1, 14);
  });

  it('plug-in MI is symmetric, within [0, min(H(X), H(Y))], and obeys the chain rule I(X; Y,Z) = I(X; Z) + I(X; Y | Z)', () => {
    fc.assert(
      fc.property(triples, ([x, y, z]) => {
        const ixy = mutualInformation({ x, y });
        expect(mutualInformation({ x: y, y: x })).toBeCloseTo(ixy, 12);
        expect(ixy).toBeGreaterThanOrEqual(-1e-12);
        expect(ixy).toBeLessThanOrEqual(Math.min(entropy({ x }), entropy({ x: y })) + 1e-12);
        const yz = DiscreteVariable.joint([DiscreteVariable.from(y), DiscreteVariable.from(z)]);
        const chain = mutualInformation({ x, y: z }) + conditionalMutualInformation({ x, y, given: z });
        expect(mutualInformation({ x, y: yz })).toBeCloseTo(chain, 12);
      }),
    );
  });

  it('a custom estimator plugs in: every entropy term goes through it', () => {
    const seen: number[] = [];
    const counting = {
      name: 'bins',
      entropy: (h: { counts: ArrayLike<number> }) => {
        const bins = Array.from(h.counts).filter((c) => c > 0).length;
        seen.push(bins);
        return bins;
      },
    };
    // I = bins(X) + bins(Y) − bins(X,Y) = 2 + 2 − 3.
    expect(mutualInformation({ x: [0, 0, 1], y: [0, 1, 1], estimator: counting })).toBe(1);
    expect(seen).toEqual([2, 2, 3]);
  });
});

describe('DiscreteVariable', () => {
  it('codes symbols densely by first appearance; the joint has one code per distinct pair', () => {
    const x = DiscreteVariable.from(['b', 'a', 'b', 'c']);
    expect([...x.codes]).toEqual([0, 1, 0, 2]);
    expect(x.cardinality).toBe(3);
    const joint = DiscreteVariable.joint([x, DiscreteVariable.from([1, 1, 2, 2])]);
    expect([...joint.codes]).toEqual([0, 1, 2, 3]);
    expect(DiscreteVariable.joint([x, x]).cardinality).toBe(3);
  });

  it('joints too large for a lookup table (3000 × 3000 keys) take the Map path and agree with it', () => {
    const n = 3000;
    const x = DiscreteVariable.from(Array.from({ length: n }, (_, k) => k));
    const y = DiscreteVariable.from(Array.from({ length: n }, (_, k) => (k * 7) % n));
    const joint = DiscreteVariable.joint([x, y]);
    expect(joint.cardinality).toBe(n);
    expect(entropy({ x: joint })).toBeCloseTo(Math.log2(n), 12);
    // Wide integer spans skip the typed-array table as well.
    const wide = Int32Array.from({ length: n }, (_, k) => (k % 3) * 1_000_000_000);
    expect(entropy({ x: wide })).toBeCloseTo(Math.log2(3), 12);
  });
});

describe('bad input', () => {
  it('names the field: mismatched lengths, bad symbols, bad weights, empty samples, unknown estimators', () => {
    expect(errorOf(() => mutualInformation({ x: [1, 2], y: [1, 2, 3] })).field).toBe('y');
    expect(errorOf(() => entropy({ x: [1, 2, { a: 1 } as never] })).field).toBe('x[2]');
    expect(errorOf(() => entropy({ x: [1, 2], weights: [1, -1] })).field).toBe('weights[1]');
    expect(errorOf(() => entropy({ x: [1, 2], weights: [1] })).field).toBe('weights');
    expect(errorOf(() => entropy({ x: [1, 2], weights: [0, 0] })).field).toBe('weights');
    expect(errorOf(() => entropy({ x: [] })).field).toBe('x');
    expect(errorOf(() => entropy({ x: null as never })).field).toBe('x');
    const unknown = errorOf(() => entropy({ x: [1], estimator: 'nsb' as never }));
    expect(unknown.field).toBe('estimator');
    expect(unknown.message).toMatch(/'plug-in', 'miller-madow', 'exact'/);
    expect(errorOf(() => DiscreteVariable.joint([])).field).toBe('variables');
  });
});
