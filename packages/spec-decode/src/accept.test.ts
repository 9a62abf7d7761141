import { describe, expect, it } from 'vitest';
import { verifyDrafts } from './accept.js';

// The acceptance rule step by step, with the uniform numbers chosen by hand.
const draws = (...us: number[]) => {
  const queue = [...us];
  return () => {
    const u = queue.shift();
    if (u === undefined) throw new Error('the rule drew more numbers than expected');
    return u;
  };
};
const dist = (...values: number[]) => Float64Array.from(values);

describe('verifyDrafts', () => {
  // p_0 = (0.5, 0.5, 0), q_1 = (0.25, 0.75, 0), draft d_1 = 1: accepted with probability p(1)/q(1) = 2/3.
  const p0 = dist(0.5, 0.5, 0);
  const q1 = dist(0.25, 0.75, 0);

  it('accepts a draft when u < p(d)/q(d), then draws the bonus token from the next distribution', () => {
    const p1 = dist(0, 0.2, 0.8);
    // u = 0.6 < 2/3 accepts d_1 = 1; the bonus draw u = 0.5 falls in p1's cumulative (0, 0.2, 1.0) at token 2.
    const targets: number[] = [];
    const emitted = verifyDrafts({
      drafts: [1],
      proposals: [q1],
      target: (i) => {
        targets.push(i);
        return [p0, p1][i] as Float64Array;
      },
      random: draws(0.6, 0.5),
    });
    expect(emitted).toEqual([1, 2]);
    expect(targets).toEqual([0, 1]);
  });

  it('on rejection draws from the residual (p − q)⁺ normalised and stops', () => {
    // u = 0.7 ≥ 2/3 rejects d_1 = 1; the residual is (0.25, 0, 0): token 0 whatever the next draw.
    const targets: number[] = [];
    for (const u of [0, 0.5, 0.999]) {
      const emitted = verifyDrafts({
        drafts: [1, 2],
        proposals: [q1, dist(0, 0, 1)],
        target: (i) => {
          targets.push(i);
          return p0;
        },
        random: draws(0.7, u),
      });
      expect(emitted).toEqual([0]);
    }
    expect(targets).toEqual([0, 0, 0]); // the second draft's distribution is never needed
  });

  it('a draft the target gives probability 0 is always rejected; one with p ≥ q always accepted', () => {
    const rejected = verifyDrafts({
      drafts: [2],
      proposals: [dist(0, 0, 1)],
      target: () => p0,
      random: draws(0, 0.4),
    });
    expect(rejected).toEqual([0]); // residual (0.5, 0.5, 0), u = 0.4 → token 0
    const accepted = verifyDrafts({
      drafts: [0, 0],
      proposals: [q1, q1],
      target: (i) => [p0, p0, dist(0, 0, 1)][i] as Float64Array,
      random: draws(0.999, 0.999, 0.3),
    });
    expect(accepted).toEqual([0, 0, 2]);
  });

  it('with one-hot distributions (temperature 0) it keeps exactly the drafts that equal the target argmax', () => {
    const oneHot = (i: number) => dist(...[0, 1, 2, 3].map((x) => (x === i ? 1 : 0)));
    const greedy = [3, 1, 1, 0]; // the target's argmax after each position
    for (const u of [0, 0.5, 0.9999]) {
      const emitted = verifyDrafts({
        drafts: [3, 1, 2],
        proposals: [oneHot(3), oneHot(1), oneHot(2)],
        target: (i) => oneHot(greedy[i] as number),
        random: () => u,
      });
      expect(emitted).toEqual([3, 1, 1]); // d_3 = 2 rejected, replaced by the argmax 1
    }
  });

  it('with no drafts it draws one token from p_0', () => {
    expect(
      verifyDrafts({ drafts: [], proposals: [], target: () => dist(0.2, 0.3, 0.5), random: draws(0.45) }),
    ).toEqual([1]);
  });

  it('falls back to p when rounding leaves no positive residual', () => {
    // p = q up to rounding, yet p(d)/q(d) < 1: a rejection at u = 0.99999999999 must still emit a valid token.
    const p = dist(0.1, 0.2, 0.7);
    const q = dist(0.1, 0.2 + 1e-12, 0.7);
    const emitted = verifyDrafts({
      drafts: [1],
      proposals: [q],
      target: () => p,
      random: draws(1 - 1e-12, 0.95),
    });
    expect(emitted).toEqual([2]);
  });
});
