import { solvePolynomial } from '@beyond-ntp/synth-tasks';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_LENGTH,
  CONTEXT_LENGTH,
  heldOut,
  PAD_ID,
  polynomialTokenizer,
  trainingBatches,
} from './task.js';

describe('polynomial task', () => {
  it('holds every held-out sequence in the context, with m = 1..10 and true answers', () => {
    const records = heldOut(20);
    expect(records.map((r) => r.ops)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((m) => new Array(20).fill(m)),
    );
    for (const r of records) {
      expect(r.split).toBe('test');
      expect(solvePolynomial(r.prompt)).toBe(r.answer);
      expect(r.answer).toHaveLength(ANSWER_LENGTH);
      expect(polynomialTokenizer.encode(r.prompt + r.answer).length).toBeLessThanOrEqual(CONTEXT_LENGTH);
      expect(polynomialTokenizer.decode(polynomialTokenizer.encode(r.prompt + r.answer))).toBe(
        r.prompt + r.answer,
      );
    }
  });

  it('draws training batches from the step and seed alone, right-padded, never a held-out problem', () => {
    const batches = trainingBatches({ seed: 2, size: 16 });
    expect(batches(5)).toEqual(trainingBatches({ seed: 2, size: 16 })(5));
    expect(batches(5)).not.toEqual(batches(6));
    const { ids } = batches(5);
    const texts = ids.map((row) => polynomialTokenizer.decode(row.filter((id) => id !== PAD_ID)));
    expect(new Set(ids.map((row) => row.length)).size).toBe(1);
    const prompts = new Set(heldOut(20).map((r) => r.prompt));
    for (const text of texts) {
      const [prompt, answer] = text.split('=');
      expect(solvePolynomial(`${prompt}=`)).toBe(answer);
      expect(prompts.has(`${prompt}=`)).toBe(false);
    }
  });
});
