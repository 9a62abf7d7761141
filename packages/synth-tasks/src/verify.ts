// Content checks for imported records: each recomputes what a record claims with the task's independent solver,
// so a dataset edited by hand or written by another tool cannot carry a wrong answer into training or scoring.
import { solveArithmetic } from './arithmetic/evaluate.js';
import type { ArithmeticRecord } from './arithmetic/record.js';
import type { InductionRecord } from './induction/record.js';
import { labelsFromText } from './multilabel/evaluate.js';
import type { MultilabelRecord } from './multilabel/record.js';
import { solvePolynomialWithOps } from './polynomial/evaluate.js';
import type { PolynomialRecord } from './polynomial/record.js';
import { solveProntoQA } from './prontoqa/evaluate.js';
import type { ProntoQARecord } from './prontoqa/record.js';
import { solveProsQA } from './prosqa/evaluate.js';
import { childrenOf, distancesFrom } from './prosqa/graph.js';
import type { ProsQARecord } from './prosqa/record.js';

/** What is wrong with a record's content, or undefined when it checks out. */
export type Verify<R> = (record: R) => string | undefined;

/** The solver's error message, or what it computed. */
function solved<T>(solve: () => T): { value: T } | { problem: string } {
  try {
    return { value: solve() };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

export const verifyArithmetic: Verify<ArithmeticRecord> = (r) => {
  const operands = /^(\d+)([+*])(\d+)=$/.exec(r.prompt);
  if (!operands || Number(operands[1]) !== r.a || operands[2] !== r.op || Number(operands[3]) !== r.b) {
    return `prompt "${r.prompt}" does not read ${r.a}${r.op}${r.b}=`;
  }
  const answer = solveArithmetic(r.prompt);
  return answer === r.answer ? undefined : `answer "${r.answer}" is wrong: ${r.prompt} gives "${answer}"`;
};

export const verifyPolynomial: Verify<PolynomialRecord> = (r) => {
  const result = solved(() => solvePolynomialWithOps(r.prompt));
  if ('problem' in result) return result.problem;
  const { answer, ops } = result.value;
  if (answer !== r.answer) return `answer "${r.answer}" is wrong: the prompt evaluates to "${answer}"`;
  return ops === r.ops ? undefined : `ops is ${r.ops} but the prompt has ${ops} operations`;
};

export const verifyProsQA: Verify<ProsQARecord> = (r) => {
  const { symbols, edges, root, target, negTarget } = r.graph;
  const children = childrenOf(symbols.length, edges);
  if (hasCycle(children)) return 'graph has a cycle';
  const dist = distancesFrom(root, children);
  if (!Number.isFinite(dist[target])) return 'graph.target is not reachable from graph.root';
  if (Number.isFinite(dist[negTarget])) return 'graph.negTarget is reachable from graph.root';
  const expected = `${symbols[root]} is a ${symbols[target]}.`;
  if (r.answer !== expected) return `answer "${r.answer}" does not name the graph's target ("${expected}")`;
  const result = solved(() => solveProsQA(r.question));
  if ('problem' in result) return result.problem;
  return result.value === r.answer ? undefined : `the question's sentences answer "${result.value}"`;
};

export const verifyProntoQA: Verify<ProntoQARecord> = (r) => {
  const result = solved(() => solveProntoQA(r.question));
  if ('problem' in result) return result.problem;
  return result.value === r.answer
    ? undefined
    : `answer "${r.answer}" is wrong: the rules give "${result.value}"`;
};

export const verifyMultilabel: Verify<MultilabelRecord> = (r) => {
  const expected = labelsFromText(r.text).join(', ');
  return r.labels.join(', ') === expected
    ? undefined
    : `labels [${r.labels.join(', ')}] are not the text's [${expected}]`;
};

/** Induction records are checked by their schema (mention offsets against the text); no solver to rerun. */
export const verifyInduction: Verify<InductionRecord> = () => undefined;

/** Kahn's algorithm: a cycle leaves nodes that never reach in-degree 0. */
function hasCycle(children: readonly (readonly number[])[]): boolean {
  const inDegree = children.map(() => 0);
  for (const list of children) for (const c of list) inDegree[c] = (inDegree[c] as number) + 1;
  const ready = inDegree.flatMap((d, node) => (d === 0 ? [node] : []));
  let seen = 0;
  while (ready.length > 0) {
    const node = ready.pop() as number;
    seen++;
    for (const c of children[node] ?? []) {
      inDegree[c] = (inDegree[c] as number) - 1;
      if (inDegree[c] === 0) ready.push(c);
    }
  }
  return seen < children.length;
}
