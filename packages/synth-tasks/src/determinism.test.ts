import { createHash } from 'node:crypto';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { describe, expect, it } from 'vitest';
import { toJsonl } from './jsonl.js';
import { Rng } from './random.js';
import { TASK_NAMES, TASKS, type TaskName } from './tasks.js';

const tokenizer = new Tiktoken(gpt2);
const generate = (task: TaskName, seed: number | string, count = 50) =>
  toJsonl(TASKS[task].records({ seed, count, ...(task === 'induction' && { tokenizer }) }));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// Pinned once from this implementation; a change here means every dataset users generated has changed.
const PINNED: Record<TaskName, string> = {
  arithmetic: 'b97f794922209850e1f5ac19138132f674a77a219d7d9f2bcb196df4d777cadd',
  induction: '8d771195e19b8318b94f341d272ac08edecb95a367ae776f46cc6598a3b8405b',
  multilabel: '1fbb22b0acb680196877e080695dc03f786b0422311e0dfb2dba3e00170e4e76',
  polynomial: '1cecb91bda0780ba9708fd1a131dac57fe874d80bd39877f5ff2ae55afe82dd0',
  prontoqa: '8f7fcfd641e41e28000e8a6139e4ef6e0579f571e3d868ba7eb17003e9755810',
  prosqa: 'b9f0a68e506d2a066d874b2273f40cb4c0147fde0a2401e61228491c3a6098cd',
};

describe('determinism', () => {
  it('the PRNG stream for a fixed seed is pinned', () => {
    const rng = new Rng(42);
    expect(Array.from({ length: 4 }, () => rng.nextUint32())).toEqual([
      2575078583, 630102858, 2008418509, 1724329678,
    ]);
    expect(new Rng('42').nextUint32()).not.toBe(new Rng(42).nextUint32());
  });

  for (const task of TASK_NAMES) {
    it(`${task}: fixed seed → pinned JSONL hash; other seed → other data`, () => {
      const jsonl = generate(task, 2024);
      expect(sha256(jsonl)).toBe(PINNED[task]);
      expect(generate(task, 2024)).toBe(jsonl);
      expect(generate(task, 2025)).not.toBe(jsonl);
    });
  }

  it("prosqa: construction 'pruned' still gives the hash pinned before the released construction existed", () => {
    const jsonl = toJsonl(TASKS.prosqa.records({ seed: 2024, count: 50, construction: 'pruned' }));
    expect(sha256(jsonl)).toBe('f212832e1dc427f6b084e7f76bbe95bfa595b706e8e4c19fdf97024a363f3855');
  });
});
