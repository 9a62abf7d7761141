import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SynthTasksError } from './errors.js';
import { TASKS, type TaskName } from './tasks.js';

// Task option fields to fuzz (ProsQA's step bounds are left out: unreachable bounds are valid options that
// only fail after many draws, which would make this test slow rather than stronger).
const FIELDS: Record<TaskName, string[]> = {
  arithmetic: ['op', 'digitsA', 'digitsB'],
  induction: ['minCharacters', 'maxCharacters', 'minEvents', 'maxEvents'],
  multilabel: ['maxTopics', 'maxFiller'],
  polynomial: ['domain', 'minOps', 'maxOps'],
  prontoqa: ['minHops', 'maxHops', 'distractors'],
  prosqa: ['minNodes', 'maxNodes'],
};
const value = fc.oneof(
  fc.integer({ min: -2, max: 9 }),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.constantFrom(null, true, '+', '*', 'in', 'out', 'test'),
);
const tokenizer = { encode: (text: string) => [...text.replace(/ (.)/g, '$1')].map((c) => c.charCodeAt(0)) };

describe('option validation (fuzz)', () => {
  for (const [task, fields] of Object.entries(FIELDS) as [TaskName, string[]][]) {
    it(`${task}: any options either generate valid records or throw a SynthTasksError`, () => {
      const options = fc.dictionary(
        fc.constantFrom('seed', 'count', 'split', 'testFraction', 'colour', ...fields),
        value,
        {
          maxKeys: 5,
        },
      );
      fc.assert(
        fc.property(options, fc.integer({ min: 0, max: 3 }), (raw, count) => {
          const input = { seed: 1, count, ...raw, ...(task === 'induction' && { tokenizer }) };
          try {
            const records = [...TASKS[task].records(input)];
            expect(records).toHaveLength(input.count as number);
            for (const r of records) expect(TASKS[task].schema.safeParse(r).success).toBe(true);
          } catch (error) {
            if (!SynthTasksError.isInstance(error)) throw error;
            expect(['INVALID_OPTIONS', 'GENERATION_FAILED']).toContain(error.code);
            if (error.code === 'INVALID_OPTIONS')
              expect(error.message).toMatch(/option "\w+"|unknown option "\w+"/);
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});
