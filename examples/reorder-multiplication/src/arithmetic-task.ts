import {
  type ArithmeticRecord,
  type ArithmeticScore,
  evaluateArithmetic,
  generateArithmetic,
  Rng,
  solveArithmetic,
} from '@beyond-ntp/synth-tasks';
import type { DigitPermutation } from '@beyond-ntp/target-reorder-mi';
import { createCharTokenizer, type Tokenizer } from '@beyond-ntp/tokenizer';
import type { PromptTarget } from './rows.js';

/** The character vocabulary of zero-padded multiplication: `<pad>` is id 0, then `*`, the digits and `=`. */
export const arithmeticTokenizer: Tokenizer = createCharTokenizer({
  text: '0123456789*=',
  specialTokens: ['<pad>'],
  unknown: 'error',
});

/** Id of the padding token (never a loss target: arithmetic sequences all have the same length). */
export const PAD_ID = arithmeticTokenizer.tokenToId('<pad>') as number;

/** Ids of the ten digits, the only tokens an answer is decoded from. */
export const DIGIT_IDS: readonly number[] = arithmeticTokenizer.encode('0123456789');

/** Train and held-out problems of one n×n-digit multiplication task. */
export interface ArithmeticSplit {
  /** Digits per operand. */
  digits: number;
  /** Answer width: 2n digits, zero-padded. */
  width: number;
  /** Training problems. */
  train: ArithmeticRecord[];
  /** Held-out problems; none is a training problem. */
  test: ArithmeticRecord[];
}

/** Options of {@link multiplicationSplit}. */
export interface MultiplicationSplitOptions {
  /** Digits per operand (2 or 3 here). */
  digits: number;
  /** Training problems. */
  trainCount: number;
  /** Held-out problems. */
  testCount: number;
}

/**
 * The problems of zero-padded n×n-digit multiplication. For 2 digits the whole grid of 10,000 problems is
 * enumerated and split by one fixed shuffle (the calibration's 8,000 / 2,000); larger grids are sampled with
 * synth-tasks' generator, whose split hashes each question into train or test, so the two never share one.
 * The split is the same for every seed: seeds vary the model's initialisation and batch order, and the
 * MI-chosen orders are computed once from these training problems.
 */
export function multiplicationSplit(options: MultiplicationSplitOptions): ArithmeticSplit {
  const { digits, trainCount, testCount } = options;
  const width = 2 * digits;
  if (digits === 2) {
    const grid: ArithmeticRecord[] = [];
    for (let a = 0; a < 100; a++) {
      for (let b = 0; b < 100; b++) grid.push(multiplicationRecord(a, b, digits));
    }
    if (trainCount + testCount > grid.length) {
      throw new RangeError(`trainCount + testCount must be at most ${grid.length} for 2-digit operands`);
    }
    const shuffled = new Rng('reorder-multiplication/split-2x2').shuffle(grid);
    const split = (records: ArithmeticRecord[], name: 'train' | 'test') =>
      records.map((r) => ({ ...r, split: name }));
    return {
      digits,
      width,
      train: split(shuffled.slice(0, trainCount), 'train'),
      test: split(shuffled.slice(trainCount, trainCount + testCount), 'test'),
    };
  }
  const task = {
    op: '*' as const,
    digitsA: digits,
    digitsB: digits,
    seed: `reorder-multiplication/${digits}x${digits}`,
  };
  return {
    digits,
    width,
    train: generateArithmetic({ ...task, count: trainCount, split: 'train' }),
    test: generateArithmetic({ ...task, count: testCount, split: 'test' }),
  };
}

function multiplicationRecord(a: number, b: number, digits: number): ArithmeticRecord {
  const prompt = `${String(a).padStart(digits, '0')}*${String(b).padStart(digits, '0')}=`;
  return { task: 'arithmetic', split: 'train', op: '*', a, b, prompt, answer: solveArithmetic(prompt) };
}

/** A problem as token ids, its answer digits in the emission order of `transform` (`35*07=` + apply(`0245`)). */
export function encodeProblem(record: ArithmeticRecord, transform: DigitPermutation): PromptTarget {
  return {
    prompt: arithmeticTokenizer.encode(record.prompt),
    target: arithmeticTokenizer.encode(transform.apply(record.answer)),
  };
}

/** Options of {@link scoreEmitted}. */
export interface ScoreEmittedOptions {
  /** The problems, with their natural answers. */
  records: readonly ArithmeticRecord[];
  /** The model's answer tokens per problem, in emission order. */
  emitted: readonly (readonly number[])[];
  /** The order the model was trained in. */
  transform: DigitPermutation;
}

/**
 * Puts each emitted answer back into natural digit order with `invert`, then scores it: exact match and the
 * accuracy of each natural digit position, most significant first, so orders are compared digit for digit.
 */
export function scoreEmitted(options: ScoreEmittedOptions): ArithmeticScore {
  const { records, emitted, transform } = options;
  const predictions = emitted.map((ids) => transform.invert(arithmeticTokenizer.decode([...ids])));
  return evaluateArithmetic({ records, predictions });
}
