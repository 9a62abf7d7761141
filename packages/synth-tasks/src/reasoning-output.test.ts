import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateProntoQA } from './prontoqa/generate.js';
import { generateProsQA } from './prosqa/generate.js';
import { parseReasoningOutput } from './reasoning-output.js';
import { recordText } from './tasks.js';

describe('parseReasoningOutput', () => {
  it('splits steps and the answer after the last #', () => {
    expect(
      parseReasoningOutput('Tom is a lempus.\n Every lempus is a grimpus.\n\n### Tom is a grimpus.'),
    ).toEqual({
      steps: ['Tom is a lempus.', 'Every lempus is a grimpus.'],
      answer: 'Tom is a grimpus.',
    });
    expect(parseReasoningOutput('### True')).toEqual({ steps: [], answer: 'True' });
    expect(parseReasoningOutput('no marker\nat all')).toEqual({ steps: ['no marker', 'at all'], answer: '' });
  });

  it('inverts the completion part of recordText for generated questions', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        for (const record of [
          ...generateProsQA({ seed, count: 2 }),
          ...generateProntoQA({ seed, count: 2 }),
        ]) {
          const completion = recordText(record).slice(record.question.length + 1);
          expect(parseReasoningOutput(completion)).toEqual({ steps: record.steps, answer: record.answer });
        }
      }),
      { numRuns: 20 },
    );
  });
});
