import { describe, expect, it } from 'vitest';
import { encodeRecord, prosqaTask, stepShares } from './task.js';

describe('prosqaTask', () => {
  const plan = { nodes: 10, minSteps: 3, maxSteps: 4, trainCount: 60, testCount: 20 };
  const task = prosqaTask(plan);

  it('draws disjoint train and test questions of the planned step counts, the same on every call', () => {
    const train = new Set(task.train.map((r) => r.question));
    expect(train.size).toBe(60);
    expect(task.test.filter((r) => train.has(r.question))).toEqual([]);
    expect(Object.keys(stepShares([...task.train, ...task.test])).every((n) => n === '3' || n === '4')).toBe(
      true,
    );
    expect(prosqaTask({ ...plan })).toBe(task);
  });

  it('lays a record out as the reference code does: question\\n, step\\n each, ### answer, end of sequence', () => {
    const record = task.train[0];
    if (record === undefined) throw new Error('no record');
    const example = encodeRecord(record, task.tokenizer);
    const { decode, eos } = task.tokenizer;
    expect(decode(example.question)).toBe(`${record.question}\n`);
    expect(example.steps.map((s) => decode(s))).toEqual(record.steps.map((s) => `${s}\n`));
    expect(example.answer.at(-1)).toBe(eos);
    expect(decode(example.answer)).toBe(`### ${record.answer}`);
    expect(task.examples[0]).toEqual(example);
    const all = [...task.train, ...task.test].map((r) => encodeRecord(r, task.tokenizer));
    expect(task.maxQuestion).toBe(Math.max(...all.map((e) => e.question.length)));
    expect(task.maxAfter).toBe(Math.max(...all.map((e) => e.steps.flat().length + e.answer.length)));
  });
});
