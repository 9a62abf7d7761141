import { describe, expect, it } from 'vitest';
import { buildCorpus, corpusFor } from './corpus.js';
import { planFor } from './plan.js';
import { batchAt } from './run.js';

const plan = planFor('smoke').corpus;

describe('buildCorpus', () => {
  const corpus = buildCorpus(plan);

  it('is deterministic, and memoised per plan', () => {
    const again = buildCorpus(plan);
    expect(again.vocabSize).toBe(corpus.vocabSize);
    expect(Array.from(again.train)).toEqual(Array.from(corpus.train));
    expect(again.probe).toEqual(corpus.probe);
    expect(corpusFor(plan)).toBe(corpusFor({ ...plan }));
  });

  it('gives probe windows of the context length and ids of the vocabulary, stories ended by <eos>', () => {
    expect(corpus.vocabSize).toBe(plan.vocabSize);
    expect(corpus.probe).toHaveLength(plan.probeWindows);
    for (const window of corpus.probe) expect(window).toHaveLength(plan.contextLength);
    const all = [...corpus.train, ...corpus.probe.flat()];
    expect(Math.min(...all)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...all)).toBeLessThan(corpus.vocabSize);
    const stories = corpus.train.filter((id) => id === corpus.eosId).length;
    expect(stories).toBe(plan.trainStories);
    expect(corpus.train.at(-1)).toBe(corpus.eosId);
  });

  it('says which option to raise when the probe stories are too short for the windows', () => {
    expect(() => buildCorpus({ ...plan, probeStories: 1, probeWindows: 1000 })).toThrow(
      /corpus\.probeStories: 1 probe stories give \d+ tokens, fewer than probeWindows × contextLength = 16000/,
    );
  });
});

describe('batchAt', () => {
  const corpus = corpusFor(plan);
  const args = { corpus, batch: 4, length: plan.contextLength, seed: 3, step: 7 };

  it('is a pure function of seed and step: windows cut from the training stream', () => {
    const { ids } = batchAt(args);
    expect(batchAt(args).ids).toEqual(ids);
    expect(batchAt({ ...args, step: 8 }).ids).not.toEqual(ids);
    expect(batchAt({ ...args, seed: 4 }).ids).not.toEqual(ids);
    const stream = `,${Array.from(corpus.train).join(',')},`;
    for (const row of ids) {
      expect(row).toHaveLength(plan.contextLength);
      expect(stream).toContain(`,${row.join(',')},`);
    }
  });
});
