import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateArithmetic } from './arithmetic/generate.js';
import { SynthTasksError } from './errors.js';
import { generateInduction } from './induction/generate.js';
import { parseJsonl, toJsonl } from './jsonl.js';
import { readJsonl, writeJsonl } from './jsonl-file.js';
import { generateProsQA } from './prosqa/generate.js';
import { datasetStats, recordText } from './tasks.js';

describe('JSONL', () => {
  it('round-trips records of several tasks through a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-tasks-'));
    const records = [...generateArithmetic({ seed: 1, count: 3 }), ...generateProsQA({ seed: 1, count: 2 })];
    const file = join(dir, 'mixed.jsonl');
    await writeJsonl(file, records);
    expect(readFileSync(file, 'utf8')).toBe(toJsonl(records));
    expect(await readJsonl(file)).toEqual(records);
    expect(readdirSync(dir)).toEqual(['mixed.jsonl']);
  });

  it('names the source and line of a bad record', () => {
    const good = toJsonl(generateArithmetic({ seed: 1, count: 2 }));
    expect(() => parseJsonl(`${good}{"task":"arithmetic"`, { source: 'a.jsonl' })).toThrow(
      /^a\.jsonl:3: not valid JSON/,
    );
    expect(() => parseJsonl(`${good}\n{"task":"sudoku"}\n`, { source: 'b.jsonl' })).toThrow(
      /^b\.jsonl:4: field "task" must be one of arithmetic, induction/,
    );
    const prosqa = toJsonl(generateProsQA({ seed: 1, count: 1 })).replace('"target":', '"target":99');
    expect(() => parseJsonl(prosqa)).toThrow(
      /^<jsonl>:1: invalid prosqa record: field "graph" refers to a node id/,
    );
    const tokenizer = { encode: (t: string) => [...t.replace(/ (.)/g, '$1')].map((c) => c.charCodeAt(0)) };
    const [story] = generateInduction({ seed: 1, count: 1, tokenizer });
    const shifted = { ...story, mentions: story?.mentions.map((m) => ({ ...m, start: m.start + 1 })) };
    expect(() => parseJsonl(JSON.stringify(shifted))).toThrow(/field "mentions" has a mention whose offsets/);
    const broken = good.replace('"answer":"', '"answer":"x');
    expect(() => parseJsonl(broken)).toThrow(/^<jsonl>:1: invalid arithmetic record: field "answer"/);
  });

  it('keeps the previous file when writing fails midway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-tasks-'));
    const file = join(dir, 'data.jsonl');
    writeFileSync(file, 'old\n');
    function* failing() {
      yield { task: 'arithmetic' };
      throw new Error('generator died');
    }
    await expect(writeJsonl(file, failing())).rejects.toThrow('generator died');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['data.jsonl']);
    await expect(readJsonl(join(dir, 'missing.jsonl'))).rejects.toThrow(/missing\.jsonl: no such file$/);
  });

  it('dispatches stats and training text by task', () => {
    const prosqa = generateProsQA({ seed: 1, count: 2 });
    expect(datasetStats(prosqa)).toMatchObject({ count: 2 });
    expect(() => datasetStats([])).toThrow(/no records/);
    expect(() => datasetStats([...prosqa, ...generateArithmetic({ seed: 1, count: 1 })])).toThrow(
      /mixed tasks/,
    );
    const [first] = prosqa;
    expect(first && recordText(first)).toBe(
      `${first?.question}\n${first?.steps.join('\n')}\n### ${first?.answer}`,
    );
    expect(
      recordText({
        task: 'arithmetic',
        split: 'train',
        op: '*',
        a: 35,
        b: 7,
        prompt: '35*07=',
        answer: '0245',
      }),
    ).toBe('35*07=0245');
  });

  it('any text either parses to valid records or fails naming a real line (fuzz)', () => {
    const good = toJsonl(generateArithmetic({ seed: 3, count: 3 })).split('\n');
    const line = fc.oneof(
      fc.constantFrom(...good),
      fc.json(),
      fc.string({ maxLength: 20 }).map((s) => s.replace(/\n/g, ' ')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        try {
          const records = parseJsonl(lines.join('\n'), { source: 'f.jsonl' });
          expect(records.length).toBeLessThanOrEqual(lines.length);
        } catch (error) {
          if (!SynthTasksError.isInstance(error)) throw error;
          expect(error.code).toBe('BAD_DATASET');
          const at = Number(/^f\.jsonl:(\d+): /.exec(error.message)?.[1]);
          expect(at).toBeGreaterThanOrEqual(1);
          expect(lines[at - 1]?.trim()).not.toBe('');
        }
      }),
    );
  });
});
