import { solveArithmetic } from '@beyond-ntp/synth-tasks';
import { chooseOrder, DigitPermutation } from '@beyond-ntp/target-reorder-mi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arithmeticTokenizer,
  DIGIT_IDS,
  encodeProblem,
  multiplicationSplit,
  PAD_ID,
  scoreEmitted,
} from './arithmetic-task.js';
import { toRows } from './rows.js';

const record = (prompt: string) => ({
  task: 'arithmetic' as const,
  split: 'test' as const,
  op: '*' as const,
  a: Number(prompt.slice(0, prompt.indexOf('*'))),
  b: Number(prompt.slice(prompt.indexOf('*') + 1, -1)),
  prompt,
  answer: solveArithmetic(prompt),
});
const reverse = new DigitPermutation({ order: chooseOrder({ strategy: 'reverse', length: 4 }) });
const emit = (digits: string) => arithmeticTokenizer.encode(digits);

describe('multiplication data through tokenization', () => {
  const permutations = fc
    .integer({ min: 1, max: 3 })
    .chain((digits) =>
      fc.tuple(
        fc.constant(digits),
        fc.integer({ min: 0, max: 10 ** digits - 1 }),
        fc.integer({ min: 0, max: 10 ** digits - 1 }),
        fc.shuffledSubarray([...Array(2 * digits).keys()], { minLength: 2 * digits }),
      ),
    );

  it('apply → tokens → decode → invert gives back the natural answer, for any order', () => {
    fc.assert(
      fc.property(permutations, ([digits, a, b, positions]) => {
        const pad = (n: number) => String(n).padStart(digits, '0');
        const problem = record(`${pad(a)}*${pad(b)}=`);
        const transform = new DigitPermutation({ order: positions });
        const { prompt, target } = encodeProblem(problem, transform);
        expect(arithmeticTokenizer.decode(prompt)).toBe(problem.prompt);
        expect(target.every((id) => DIGIT_IDS.includes(id))).toBe(true);
        expect(transform.invert(arithmeticTokenizer.decode(target))).toBe(problem.answer);
        expect(Number(problem.answer)).toBe(a * b);
      }),
      { numRuns: 200 },
    );
  });

  it('the loss sees exactly the answer digits, in emission order, and nothing of the prompt', () => {
    const problem = record('35*07=');
    const rows = toRows({ examples: [encodeProblem(problem, reverse)], length: 10, padId: PAD_ID });
    const [ids = [], mask = []] = [rows.ids[0], rows.mask[0]];
    expect(mask).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const scored = ids.filter((_, j) => mask[j] === 1);
    expect(arithmeticTokenizer.decode(scored)).toBe('5420'); // 0245 emitted units first
    // The first answer digit is predicted from the position of '=', just before it.
    expect(arithmeticTokenizer.decode([ids[mask.indexOf(1) - 1] as number])).toBe('=');
  });
});

describe('scoreEmitted scores natural digit positions', () => {
  const records = [record('35*07='), record('99*99=')]; // 0245, 9801

  it('a reverse-order model emitting the right digits scores 1 everywhere', () => {
    const score = scoreEmitted({ records, emitted: [emit('5420'), emit('1089')], transform: reverse });
    expect(score.accuracy).toBe(1);
    expect(score.digitAccuracy).toEqual([1, 1, 1, 1]);
  });

  it('an error in the first emitted digit lands on the units position', () => {
    // 35*07: emitted 6420 → natural 0246 (units wrong); 99*99: emitted 1080 → natural 0801 (thousands wrong).
    const score = scoreEmitted({ records, emitted: [emit('6420'), emit('1080')], transform: reverse });
    expect(score.accuracy).toBe(0);
    // Most significant first: thousands wrong once, units wrong once.
    expect(score.digitAccuracy).toEqual([0.5, 1, 1, 0.5]);
  });

  it('the same emitted digits score differently under different orders', () => {
    const plain = new DigitPermutation({ order: chooseOrder({ strategy: 'plain', length: 4 }) });
    const emitted = [emit('0245'), emit('9801')];
    expect(scoreEmitted({ records, emitted, transform: plain }).accuracy).toBe(1);
    // Read as units first, 0245 is the answer 5420 and 9801 is 1089: no digit is in its natural place.
    expect(scoreEmitted({ records, emitted, transform: reverse }).digitAccuracy).toEqual([0, 0, 0, 0]);
  });
});

describe('multiplicationSplit', () => {
  it('2×2: the whole grid, split 8,000 / 2,000 without overlap, answers zero-padded to 4 digits', () => {
    const split = multiplicationSplit({ digits: 2, trainCount: 8000, testCount: 2000 });
    expect(split.train).toHaveLength(8000);
    expect(split.test).toHaveLength(2000);
    const prompts = new Set([...split.train, ...split.test].map((r) => r.prompt));
    expect(prompts.size).toBe(10_000);
    for (const r of split.test.slice(0, 50)) expect(r.answer).toBe(String(r.a * r.b).padStart(4, '0'));
    expect(multiplicationSplit({ digits: 2, trainCount: 8000, testCount: 2000 }).test[0]).toEqual(
      split.test[0],
    );
  });

  it('3×3: sampled, 6-digit answers, no held-out question among the training ones', () => {
    const split = multiplicationSplit({ digits: 3, trainCount: 2000, testCount: 200 });
    expect(split.width).toBe(6);
    const train = new Set(split.train.map((r) => r.prompt));
    expect(split.test.some((r) => train.has(r.prompt))).toBe(false);
    expect(split.test.every((r) => r.answer.length === 6 && r.prompt.length === 8)).toBe(true);
  });
});
