import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detourGraph, extraPersonGraph } from '../../test/prosqa-graphs.js';
import { SynthTasksError } from '../errors.js';
import { classifyProsQAPath } from './classify.js';
import { evaluateProsQA, solveProsQA } from './evaluate.js';
import { generateProsQA } from './generate.js';
import { parseReleasedProsQA, type ReleasedProsQARecord, toReleasedProsQA } from './released.js';
import { readReleasedProsQA } from './released-file.js';
import { prosqaStats } from './stats.js';

// Three records of the authors' released test file (see test/fixtures/README.md for source and licence).
const fixture = fileURLToPath(new URL('../../test/fixtures/prosqa_test.json', import.meta.url));
const fixtureText = readFileSync(fixture, 'utf8');
const released: ReleasedProsQARecord[] = JSON.parse(fixtureText);

/** The fixture with record `index` changed by `edit`, as file text. */
const corrupt = (index: number, edit: (r: Record<string, unknown>) => void) => {
  const records = JSON.parse(fixtureText);
  edit(records[index]);
  return JSON.stringify(records);
};
const parseError = (text: string) => {
  try {
    parseReleasedProsQA({ text, source: 'data/prosqa_valid.json' });
  } catch (error) {
    return error;
  }
  throw new Error('expected parseReleasedProsQA to throw');
};

describe('released ProsQA import', () => {
  it('reads the released layout into records, split from the file name', async () => {
    const records = await readReleasedProsQA({ file: fixture });
    expect(records).toHaveLength(3);
    const [first] = records;
    expect(first).toEqual({
      task: 'prosqa',
      split: 'test',
      question: released[0]?.question,
      steps: [
        'Eva is a zumpus.',
        'Every zumpus is a jompus.',
        'Every jompus is a terpus.',
        'Every terpus is a gerpus.',
      ],
      answer: 'Eva is a gerpus.',
      graph: {
        symbols: released[0]?.idx_to_symbol,
        edges: released[0]?.edges,
        root: 1,
        target: released[0]?.target,
        negTarget: released[0]?.neg_target,
      },
    });
    expect((await readReleasedProsQA({ file: fixture, split: 'valid' })).map((r) => r.split)).toEqual([
      'valid',
      'valid',
      'valid',
    ]);
  });

  it('round-trips: toReleasedProsQA gives back the released records exactly', () => {
    const records = parseReleasedProsQA({ text: fixtureText, split: 'test' });
    expect(toReleasedProsQA(records)).toEqual(released);
  });

  it('accepts hand-built and generated records written in the released layout', () => {
    const own = [detourGraph, extraPersonGraph, ...generateProsQA({ seed: 3, count: 20 })];
    const text = JSON.stringify(toReleasedProsQA(own));
    const back = parseReleasedProsQA({ text, split: 'train' });
    expect(back).toEqual(own.map((r) => ({ ...r, split: 'train' })));
  });

  it('imported records are scored by the exact evaluator, solver and path classifier', () => {
    const records = parseReleasedProsQA({ text: fixtureText, split: 'test' });
    expect(records.map((r) => solveProsQA(r.question))).toEqual(records.map((r) => r.answer));
    expect(
      records.map((record) => classifyProsQAPath({ record, steps: record.steps, answer: record.answer })),
    ).toEqual(['correct_path', 'correct_path', 'correct_path']);
    const predictions = [' Eva is a gerpus.\n', 'Davis is a gwompus', released[2]?.answer ?? ''];
    expect(evaluateProsQA({ records, predictions })).toEqual({ correct: 2, total: 3, accuracy: 2 / 3 });
  });

  it('statistics of the fixture agree with an independent computation', () => {
    // Expected values computed from the JSON with a separate Python script (BFS per start node).
    const stats = prosqaStats(parseReleasedProsQA({ text: fixtureText, split: 'test' }));
    expect(stats).toMatchObject({
      count: 3,
      meanNodes: 50 / 3,
      meanEdges: 59 / 3,
      meanShortestPath: 4,
      meanShortestPaths: 4 / 3,
      meanPersons: 8 / 3,
      steps: { 3: 1, 4: 1, 5: 1 },
      meanUnlinked: 1,
      meanShared: 1 / 3,
      meanLeaves: 5,
      meanExtraPersonChildren: 1.5,
      meanNegTargetDistance: 4 / 3,
      targetFirst: 2 / 3,
      meanQuestionWords: 295 / 3,
      distinctConcepts: 31,
      conceptEndings: { pus: 31 },
      distinctPersons: 7,
    });
    expect(stats.meanOutDegree).toBeCloseTo((16 / 10 + 20 / 12 + 23 / 13) / 3, 12);
  });

  it('names the file, the record index and the field of every kind of bad record', () => {
    const cases: [string, RegExp][] = [
      ['{', /^data\/prosqa_valid\.json: not valid JSON/],
      ['{"question": "x"}', /^data\/prosqa_valid\.json: expected a JSON array of ProsQA records$/],
      [corrupt(2, (r) => delete r.neg_target), /: record 2: field "neg_target" must be a node id/],
      [
        corrupt(1, (r) => ((r.edges as unknown[][])[4] = [3, 'x'])),
        /: record 1: field "edges\.4\.1" must be a node id/,
      ],
      [
        corrupt(0, (r) => (r.steps = 'Eva is a zumpus.')),
        /: record 0: field "steps" must be an array of sentences/,
      ],
      [
        corrupt(1, (r) => ((r.edges as number[][])[2] = [3, 99])),
        /: record 1: field "edges\.2\.1" is 99, beyond the 17 nodes/,
      ],
      [corrupt(0, (r) => (r.root = 14)), /: record 0: field "root" is 14, beyond the 14 nodes/],
      [
        corrupt(0, (r) => ((r.idx_to_symbol as string[])[3] = 'Tom')),
        /: record 0: field "idx_to_symbol" names two nodes "Tom"/,
      ],
      [
        corrupt(2, (r) => (r.answer = 'Sally is a worpus.')),
        /: record 2: field "answer" is "Sally is a worpus\.", expected "Sally is a dumpus\."/,
      ],
      [
        corrupt(0, (r) => {
          [r.target, r.neg_target] = [r.neg_target, r.target];
          r.answer = 'Eva is a boompus.';
        }),
        /: record 0: field "target" \(boompus\) is not reachable from the root/,
      ],
      [
        corrupt(0, (r) => (r.steps = (r.steps as string[]).slice(1))),
        /: record 0: field "steps" are not a shortest path from Eva to gerpus \(correct_path\)/,
      ],
      [
        corrupt(0, (r) => (r.steps = ['Eva is a gerpus.'])),
        /: record 0: field "steps" are not a shortest path .* \(hallucination\)/,
      ],
      [
        corrupt(0, (r) => (r.question = (r.question as string).replace('Every zumpus is a timpus. ', ''))),
        /: record 0: field "question" does not state the edge "zumpus is a timpus"/,
      ],
      [
        corrupt(0, (r) => (r.question = `Every timpus is a zumpus. ${r.question}`)),
        /: record 0: field "question" states "timpus is a zumpus", which is not an edge/,
      ],
      [
        corrupt(0, (r) => (r.question = (r.question as string).replace('Is Eva a', 'Is Tom a'))),
        /: record 0: field "question" asks "Tom boompus gerpus", expected entity and options "Eva boompus gerpus"/,
      ],
      [
        corrupt(0, (r) => (r.question = 'Eva is a zumpus.')),
        /: record 0: field "question" no final "Is X a A or B\?" question/,
      ],
    ];
    for (const [text, message] of cases) {
      const error = parseError(text);
      expect(SynthTasksError.isInstance(error) && error.code).toBe('BAD_DATASET');
      expect((error as Error).message).toMatch(message);
    }
  });

  it('a negative option reachable from the root is rejected', () => {
    // An extra fact "Eva is a boompus." lets the root reach the negative option too.
    const text = corrupt(0, (r) => {
      (r.edges as number[][]).push([r.root as number, r.neg_target as number]);
      r.question = `Eva is a boompus. ${r.question}`;
    });
    expect((parseError(text) as Error).message).toMatch(
      /record 0: field "neg_target" \(boompus\) is reachable/,
    );
  });

  it('asks for the split when the file name does not give it, and names unreadable files', async () => {
    expect(() => parseReleasedProsQA({ text: fixtureText, source: 'my-graphs.json' })).toThrow(
      /option "split" is needed because the source name "my-graphs\.json"/,
    );
    await expect(readReleasedProsQA({ file: 'missing/prosqa_train.json' })).rejects.toThrow(
      /^missing\/prosqa_train\.json: cannot read/,
    );
  });

  it('any single-character corruption of a record is either rejected or still self-consistent', () => {
    // Whatever survives validation must still be answered correctly by the solver and classified as a
    // correct path: the checks leave no way to import an inconsistent record.
    const text = JSON.stringify(released.slice(0, 1));
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.constantFrom('0', '1', '9', 'a', 'x', ' ', '.'), (at, ch) => {
        let records: ReturnType<typeof parseReleasedProsQA> = [];
        try {
          records = parseReleasedProsQA({ text: text.slice(0, at) + ch + text.slice(at + 1), split: 'test' });
        } catch (error) {
          expect(SynthTasksError.isInstance(error)).toBe(true);
          return;
        }
        for (const record of records) {
          expect(solveProsQA(record.question)).toBe(record.answer);
          expect(classifyProsQAPath({ record, steps: record.steps, answer: record.answer })).toBe(
            'correct_path',
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
