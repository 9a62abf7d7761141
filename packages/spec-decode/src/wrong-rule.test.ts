import { sampleToken } from '@beyond-ntp/transformer-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkSampling, EVERY_TOKEN, everyTokenModels } from '../test/sampling-check.js';
import type { DraftVerification } from './accept.js';
import type { Drafter } from './options.js';

// The distribution test of sampling.test.ts must be able to fail: here the decoder runs with a deliberately wrong
// acceptance rule in place of `verifyDrafts`, and the same test, same models and seeds, must reject it.
const wrong = vi.hoisted(() => ({ rule: undefined as undefined | ((v: DraftVerification) => number[]) }));
vi.mock('./accept.js', async (importOriginal) => {
  const exact = await importOriginal<typeof import('./accept.js')>();
  return { verifyDrafts: (v: DraftVerification) => (wrong.rule ?? exact.verifyDrafts)(v) };
});

// Accept every draft, then the bonus token: drafts come out distributed as q, not p.
function acceptAlways({ drafts, target, random }: DraftVerification): number[] {
  return [...drafts, sampleToken(target(drafts.length), random())];
}

// The right acceptance test, but a rejected draft is replaced by a draw from p instead of the residual (p − q)⁺:
// then P(x) = min(p, q)(x) + (1 − Σ min(p, q))·p(x) ≠ p(x).
function noResidual({ drafts, proposals, target, random }: DraftVerification): number[] {
  const emitted: number[] = [];
  for (const [i, draft] of drafts.entries()) {
    const p = target(i);
    if (random() >= (p[draft] ?? 0) / (proposals[i]?.[draft] ?? 1))
      return [...emitted, sampleToken(p, random())];
    emitted.push(draft);
  }
  return [...emitted, sampleToken(target(drafts.length), random())];
}

const rules = { exact: undefined, 'accept always': acceptAlways, 'no residual': noResidual };

// The chi-square statistic under each rule relative to the critical value (< 1 passes), same seeds for all.
function relativeStatistics(drafter: Drafter): Record<string, number> {
  const { target } = models;
  const result: Record<string, number> = {};
  for (const [name, rule] of Object.entries(rules)) {
    wrong.rule = rule;
    const { statistic, critical } = checkSampling({ ...EVERY_TOKEN, model: target, drafter, sampling: {} });
    result[name] = statistic / critical;
  }
  wrong.rule = undefined;
  return result;
}

const models = everyTokenModels();
afterAll(() => {
  models.target.dispose();
  models.draft.dispose();
});

describe('the distribution test passes the exact rule and fails wrong ones', () => {
  it.each([
    ['heads drafter', { heads: 3 }],
    ['draft model', { model: models.draft, tokens: 2 }],
  ])('%s', (_, drafter) => {
    const relative = relativeStatistics(drafter);
    expect(relative.exact).toBeLessThan(1);
    expect(relative['accept always']).toBeGreaterThan(1);
    expect(relative['no residual']).toBeGreaterThan(1);
  });
});
