import { describe, expect, it } from 'vitest';
import { generateArithmetic } from './arithmetic/generate.js';
import { generateInduction } from './induction/generate.js';
import { parseJsonl, toJsonl } from './jsonl.js';
import { generateMultilabel } from './multilabel/generate.js';
import { generatePolynomial } from './polynomial/generate.js';
import { generateProntoQA } from './prontoqa/generate.js';
import { generateProsQA } from './prosqa/generate.js';
import type { ProsQARecord } from './prosqa/record.js';

const line = (record: unknown) => `${JSON.stringify(record)}\n`;
const tokenizer = { encode: (t: string) => [...t.replace(/ (.)/g, '$1')].map((c) => c.charCodeAt(0)) };

describe('JSONL import checks content, not just shape', () => {
  it('accepts every generated record of every task', () => {
    const records = [
      ...generateArithmetic({ seed: 5, count: 50, op: '+' }),
      ...generateArithmetic({ seed: 5, count: 50, digitsA: 3 }),
      ...generatePolynomial({ seed: 5, count: 50, domain: 'out' }),
      ...generateProsQA({ seed: 5, count: 20 }),
      ...generateProsQA({ seed: 5, count: 20, construction: 'pruned' }),
      ...generateProntoQA({ seed: 5, count: 30 }),
      ...generateMultilabel({ seed: 5, count: 50 }),
      ...generateInduction({ seed: 5, count: 5, tokenizer }),
    ];
    expect(parseJsonl(toJsonl(records))).toEqual(records);
  });

  it('an arithmetic answer that is not a×b', () => {
    const [r] = generateArithmetic({ seed: 1, count: 1 });
    const wrong = { ...r, answer: r?.answer === '0000' ? '0001' : '0000' };
    expect(() => parseJsonl(line(wrong), { source: 'm.jsonl' })).toThrow(
      `m.jsonl:1: wrong arithmetic record: answer "${wrong.answer}" is wrong: ${r?.prompt} gives "${r?.answer}"`,
    );
    expect(() => parseJsonl(line({ ...r, a: (r?.a ?? 0) + 1 }))).toThrow(/prompt ".*" does not read/);
  });

  it('a wrong polynomial answer or operation count', () => {
    const [r] = generatePolynomial({ seed: 1, count: 1 });
    const answer = r?.answer === '00000' ? '10000' : '00000';
    expect(() => parseJsonl(line({ ...r, answer }))).toThrow(
      `<jsonl>:1: wrong polynomial record: answer "${answer}" is wrong: the prompt evaluates to "${r?.answer}"`,
    );
    expect(() => parseJsonl(line({ ...r, ops: (r?.ops ?? 0) + 1 }))).toThrow(/ops is \d+ but the prompt has/);
    expect(() => parseJsonl(line({ ...r, prompt: `+ ${r?.prompt}` }))).toThrow(/fewer than two operands/);
  });

  it('a cyclic ProsQA graph, and an answer naming the wrong option', () => {
    const [r] = generateProsQA({ seed: 1, count: 1 }) as [ProsQARecord];
    const [p, c] = r.graph.edges[0] as [number, number];
    const cyclic = { ...r, graph: { ...r.graph, edges: [...r.graph.edges, [c, p]] } };
    expect(() => parseJsonl(line(cyclic))).toThrow('<jsonl>:1: wrong prosqa record: graph has a cycle');
    const { symbols, root, negTarget } = r.graph;
    const wrongOption = { ...r, answer: `${symbols[root]} is a ${symbols[negTarget]}.` };
    expect(() => parseJsonl(line(wrongOption))).toThrow(
      /wrong prosqa record: answer ".*" does not name the graph's target/,
    );
    // Swapping target and negTarget in the graph too: the graph says so, but the question's sentences do not.
    const swapped = { ...wrongOption, graph: { ...r.graph, target: negTarget, negTarget: r.graph.target } };
    expect(() => parseJsonl(line(swapped))).toThrow(/graph.target is not reachable from graph.root/);
  });

  it('a ProntoQA answer flipped, and multilabel labels not implied by the text', () => {
    const [q] = generateProntoQA({ seed: 1, count: 1 });
    const flipped = { ...q, answer: q?.answer === 'True' ? 'False' : 'True' };
    expect(() => parseJsonl(line(flipped))).toThrow(/wrong prontoqa record: answer "(True|False)" is wrong/);
    const [m] = generateMultilabel({ seed: 1, count: 1 });
    expect(() => parseJsonl(line({ ...m, labels: [] }))).toThrow(
      /wrong multilabel record: labels \[\] are not/,
    );
  });

  it('verify: false keeps a file as written', () => {
    const [r] = generateArithmetic({ seed: 1, count: 1 });
    const wrong = { ...r, answer: r?.answer === '0000' ? '0001' : '0000' };
    expect(parseJsonl(line(wrong), { verify: false })).toEqual([wrong]);
  });

  it('skips a UTF-8 byte order mark', () => {
    const records = generateArithmetic({ seed: 1, count: 2 });
    expect(parseJsonl(`\uFEFF${toJsonl(records)}`)).toEqual(records);
  });
});
