import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileValue } from '../../../test/hostile-values.js';
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
// Hostile values too: BigInt, objects without a prototype, sparse arrays, boxed values, Maps and Sets.
const hostile = hostileValue;
const value = fc.oneof(
  fc.integer({ min: -2, max: 9 }),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.constantFrom(null, true, '+', '*', 'in', 'out', 'test', 10n, Object.create(null)),
  hostile,
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
        fc.property(options, fc.integer({ min: 0, max: 3 }), fc.boolean(), (raw, count, bare) => {
          const fields = { seed: 1, count, ...raw, ...(task === 'induction' && { tokenizer }) };
          // Counts up to 10,000,000 are valid; a large one from `hostile` would only make the run long.
          if (typeof fields.count === 'number' && fields.count > 3) fields.count = 3;
          const input = bare ? Object.assign(Object.create(null), fields) : fields;
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
        { numRuns: 150 },
      );
    });
  }

  it('options that are not an object at all are refused the same way', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(TASKS) as TaskName[])), hostile, (task, options) => {
        try {
          [...TASKS[task].records(options as object)];
        } catch (error) {
          if (!SynthTasksError.isInstance(error)) throw error;
          expect(error.message.length).toBeLessThan(600);
        }
      }),
      { numRuns: 300 },
    );
  });
});
