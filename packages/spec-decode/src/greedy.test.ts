import {
  createModel,
  generate,
  type ModelConfigInput,
  type TransformerModel,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycleSequence, trainedCycleModel } from '../test/models.js';
import type { Drafter } from './options.js';
import { speculativeGenerate } from './speculative-generate.js';

// At temperature 0, speculative decoding must return exactly what `generate` returns, token for token, whatever
// the drafts: on random untrained models (drafts almost always rejected) and on trained ones (drafts mostly
// accepted), single prompts, prompts that fill the context, batches of different lengths and stop tokens.

const V = 11;
const C = 12;

/** A prompt set for one model: two single prompts (one filling the context) and a batch, with stop tokens. */
interface Case {
  prompts: Array<number[] | number[][]>;
  maxNewTokens: number;
}

/** What {@link expectSameAsGenerate} compared. */
interface Compared {
  /** Model/prompt pairs (a batch counts one per row). */
  pairs: number;
  /** Row-forwards that gained more than one token (accepted drafts), over the calls without stop tokens. */
  multiTokenForwards: number;
}

// Compares one model and drafter with generate on every prompt of `testCase`, without stop tokens and with one
// that the plain output contains (so that a row stops there).
function expectSameAsGenerate(
  model: TransformerModel,
  drafter: Drafter,
  testCase: Case,
  stopAt: number,
): Compared {
  const compared = { pairs: 0, multiTokenForwards: 0 };
  const before = tf.memory().numTensors;
  for (const prompt of testCase.prompts) {
    const options = { maxNewTokens: testCase.maxNewTokens, temperature: 0 };
    const plain = generate(model, prompt as number[][], options);
    const speculative = speculativeGenerate(model, prompt as number[][], { ...options, drafter });
    expect(speculative.tokens, `prompt ${JSON.stringify(prompt)}`).toEqual(plain);
    const rows = (Array.isArray(prompt[0]) ? plain : [plain]) as number[][];
    const stopTokens = [rows[0]?.[stopAt % testCase.maxNewTokens] ?? 0];
    const stopped = generate(model, prompt as number[][], { ...options, stopTokens });
    const { tokens } = speculativeGenerate(model, prompt as number[][], { ...options, stopTokens, drafter });
    expect(tokens, `prompt ${JSON.stringify(prompt)}, stop tokens ${stopTokens}`).toEqual(stopped);
    compared.pairs += rows.length;
    compared.multiTokenForwards += speculative.stats.acceptedLengths.slice(2).reduce((a, b) => a + b, 0);
  }
  expect(tf.memory().numTensors).toBe(before);
  return compared;
}

const promptArbitrary = (maxLength: number) =>
  fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: 1, maxLength });

// Random prompts for maxNewTokens new tokens: one of any fitting length, one exactly at the context limit
// (length + maxNewTokens − 1 = contextLength), and a batch of three of different lengths.
const caseArbitrary = fc.integer({ min: 1, max: 8 }).chain((maxNewTokens) => {
  const limit = C - maxNewTokens + 1;
  return fc.record({
    maxNewTokens: fc.constant(maxNewTokens),
    prompts: fc.tuple(
      promptArbitrary(limit),
      fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: limit, maxLength: limit }),
      fc.array(promptArbitrary(limit), { minLength: 3, maxLength: 3 }),
    ),
  });
});

const configArbitrary = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  nLayers: fc.integer({ min: 1, max: 2 }),
  positional: fc.constantFrom('learned' as const, 'rope' as const),
  norm: fc.constantFrom('layernorm' as const, 'rmsnorm' as const),
  tieEmbeddings: fc.boolean(),
  heads: fc.record({
    count: fc.integer({ min: 1, max: 4 }),
    type: fc.constantFrom('linear' as const, 'transformer' as const),
  }),
});

type RandomConfig = typeof configArbitrary extends fc.Arbitrary<infer T> ? T : never;

const randomModel = ({ seed, ...config }: RandomConfig) =>
  createModel({ vocabSize: V, contextLength: C, dModel: 8, nHeads: 2, ...config }, { seed });

describe('greedy speculative decoding equals generate', () => {
  it('with k of a random model’s heads: ≥ 200 model/prompt pairs', () => {
    let pairs = 0;
    fc.assert(
      fc.property(configArbitrary, fc.nat(), caseArbitrary, fc.nat(), (config, kSeed, testCase, stopAt) => {
        const model = randomModel(config);
        const k = 1 + (kSeed % config.heads.count);
        pairs += expectSameAsGenerate(model, { heads: k }, testCase, stopAt).pairs;
        model.dispose();
      }),
      { numRuns: 40, seed: 1 },
    );
    expect(pairs).toBeGreaterThanOrEqual(200);
  });

  it('with a random draft model of the same vocabulary', () => {
    fc.assert(
      fc.property(
        configArbitrary,
        configArbitrary,
        fc.integer({ min: 1, max: 4 }),
        caseArbitrary,
        fc.nat(),
        (config, draftConfig, tokens, testCase, stopAt) => {
          const model = randomModel(config);
          const draft = randomModel(draftConfig);
          expectSameAsGenerate(model, { model: draft, tokens }, testCase, stopAt);
          model.dispose();
          draft.dispose();
        },
      ),
      { numRuns: 12, seed: 2 },
    );
  });
});

describe('greedy speculative decoding equals generate on trained models (drafts mostly accepted)', () => {
  const trained: TransformerModel[] = [];
  const configs: Array<Partial<ModelConfigInput>> = [
    { heads: { count: 4, type: 'linear' } },
    { heads: { count: 4, type: 'transformer' }, positional: 'rope' },
  ];
  beforeAll(async () => {
    for (const [i, config] of configs.entries())
      trained.push(await trainedCycleModel({ config, seed: i, steps: 60 }));
  });
  afterAll(() => {
    for (const model of trained) model.dispose();
  });

  // Four start tokens, a prompt that fills the context, and a batch of three.
  const cases = (vocabSize: number, contextLength: number): Case[] =>
    [4, 7].map((maxNewTokens) => ({
      maxNewTokens,
      prompts: [
        ...[0, 3, 5, 6].map((start) => cycleSequence(start, 2, vocabSize)),
        cycleSequence(5, contextLength - maxNewTokens + 1, vocabSize),
        [
          cycleSequence(1, 1, vocabSize),
          cycleSequence(2, contextLength - maxNewTokens + 1, vocabSize),
          [3, 3],
        ],
      ],
    }));

  it('k = 1 … 4 heads, and the other trained model as the draft model', () => {
    let pairs = 0;
    const multiToken = new Map<string, number>();
    for (const [m, model] of trained.entries()) {
      const { vocabSize, contextLength } = model.config;
      const drafters: Array<[string, Drafter]> = [1, 2, 3, 4].map((heads) => [`${heads} heads`, { heads }]);
      drafters.push(['draft model', { model: trained[1 - m] as TransformerModel, tokens: 3 }]);
      for (const [name, drafter] of drafters) {
        for (const [c, testCase] of cases(vocabSize, contextLength).entries()) {
          const compared = expectSameAsGenerate(model, drafter, testCase, c + 2);
          pairs += compared.pairs;
          multiToken.set(name, (multiToken.get(name) ?? 0) + compared.multiTokenForwards);
        }
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(100);
    // The acceptance paths were exercised: every drafter but k = 1 had many forwards that gained several tokens.
    expect(multiToken.get('1 heads')).toBe(0);
    for (const [name, count] of multiToken) if (name !== '1 heads') expect(count, name).toBeGreaterThan(20);
  });
});
