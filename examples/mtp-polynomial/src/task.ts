import { generatePolynomial, type PolynomialRecord } from '@beyond-ntp/synth-tasks';
import { createCharTokenizer, type Tokenizer } from '@beyond-ntp/tokenizer';

/**
 * One token per character of synth-tasks' serialisation (`* ~ 11000 o 00100 11000=64460`): the coefficients
 * 0–6, the operators, the space between tokens of the prefix expression and `=`; `<pad>` (id 0) is never a target.
 */
export const polynomialTokenizer: Tokenizer = createCharTokenizer({
  text: '0123456+*o~ =',
  specialTokens: ['<pad>'],
  unknown: 'error',
});

/** Id of the padding token. */
export const PAD_ID = polynomialTokenizer.tokenToId('<pad>') as number;

/** Coefficients per answer (the result's 5 coefficients, constant term first). */
export const ANSWER_LENGTH = 5;

/** Longest sequence a model must hold: the longest out-of-domain prompt (m = 10) plus its answer fits (tested). */
export const CONTEXT_LENGTH = 128;

/** Operation counts m scored: 1–5 in-domain (the training range), 6–10 out-of-domain. */
export const IN_DOMAIN = [1, 2, 3, 4, 5];
/** Out-of-domain operation counts. */
export const OUT_OF_DOMAIN = [6, 7, 8, 9, 10];

/** A batch of whole sequences `prompt + answer` as ids, right-padded. */
export interface SequenceBatch {
  /** `[B, T]` ids. */
  ids: number[][];
}

/**
 * The training batches of a run: batch `step` is `size` fresh in-domain problems (m uniform in 1..5, synth-tasks'
 * train split) drawn from a seed made of the run's seed and the step, so every condition of a seed sees the same
 * problems in the same order and a resumed run sees exactly the batches it would have. The loss covers the
 * whole sequence, as in the paper's language-model training.
 */
export function trainingBatches(options: { seed: number; size: number }): (step: number) => SequenceBatch {
  const { seed, size } = options;
  return (step) => {
    const records = generatePolynomial({
      seed: `mtp-polynomial/train/${seed}/${step}`,
      count: size,
      split: 'train',
      domain: 'in',
    });
    return {
      ids: polynomialTokenizer.encodeBatch(
        records.map((r) => r.prompt + r.answer),
        { padding: 'longest' },
      ).ids,
    };
  };
}

let cached: { perOps: number; records: PolynomialRecord[] } | undefined;

/** `perOps` held-out problems (synth-tasks' test split) for each m = 1..10, the same for every run. */
export function heldOut(perOps: number): PolynomialRecord[] {
  if (cached?.perOps !== perOps) {
    const records = [...IN_DOMAIN, ...OUT_OF_DOMAIN].flatMap((m) =>
      generatePolynomial({
        seed: `mtp-polynomial/test/${m}`,
        count: perOps,
        split: 'test',
        minOps: m,
        maxOps: m,
      }),
    );
    cached = { perOps, records };
  }
  return cached.records;
}
