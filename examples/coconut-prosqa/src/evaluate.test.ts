import { coconutAnswer } from '@beyond-ntp/coconut-curriculum';
import { describe, expect, it } from 'vitest';
import { scoreGenerations } from './evaluate.js';
import { prosqaTask } from './task.js';

describe('scoreGenerations', () => {
  const { test } = prosqaTask({ nodes: 10, minSteps: 3, maxSteps: 4, trainCount: 10, testCount: 10 });
  const record = test[0];
  if (record === undefined) throw new Error('no record');
  const { symbols, root, target, negTarget } = record.graph;
  const output = (text: string, generatedTokens: number) => ({
    text,
    answer: coconutAnswer(text),
    generatedTokens,
    stopped: true,
  });

  it('credits a written shortest path, an answer without a path, and nothing to a wrong path or answer', () => {
    const gold = `${record.steps.join('\n')}\n### ${record.answer}`;
    const wrongAnswer = `### ${symbols[root]} is a ${symbols[negTarget]}.`;
    // A path through an edge the graph does not have, ending at the target: a hallucination.
    const madeUp = `${symbols[root]} is a ${symbols[target]}.\n### ${record.answer}`;
    const scored = scoreGenerations(
      [record, record, record, record],
      [output(gold, 30), output(`### ${record.answer}`, 6), output(wrongAnswer, 6), output(madeUp, 12)],
    );
    const direct = record.graph.edges.some(([p, c]) => p === root && c === target);
    expect(direct).toBe(false); // 3 or more steps, so the made-up step is not an edge
    expect(scored).toEqual({
      accuracy: 3 / 4,
      tokens: 54 / 4,
      validPath: 1 / 4,
      shortestPath: 1 / 4,
      stopped: 1,
    });
  });

  it('counts an output cut off by the token limit as not stopped', () => {
    const cut = { text: record.steps[0] as string, answer: '', generatedTokens: 34, stopped: false };
    expect(scoreGenerations([record], [cut])).toEqual({
      accuracy: 0,
      tokens: 34,
      validPath: 0,
      shortestPath: 0,
      stopped: 0,
    });
  });
});
