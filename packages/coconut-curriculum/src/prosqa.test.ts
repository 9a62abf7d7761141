import { generateProsQA } from '@beyond-ntp/synth-tasks';
import { describe, expect, it } from 'vitest';
import { frontierNodes } from './probe.js';

// The one place this package meets synth-tasks: its ProsQA graphs are `SearchGraph`s, and the probe's frontier is
// where the language of a ProsQA answer resumes.
describe('frontierNodes on synth-tasks ProsQA graphs', () => {
  it('holds the node that step k of the shortest-path answer reaches', () => {
    for (const record of generateProsQA({ seed: 3, count: 40 })) {
      const { graph, steps } = record;
      for (const [i, step] of steps.entries()) {
        // Step i + 1 ends at "… is a X.": after i + 1 thoughts, X is on the frontier.
        const reached = /is an? (\w+)\.$/.exec(step)?.[1];
        const node = graph.symbols.indexOf(reached as string);
        expect(node, step).toBeGreaterThanOrEqual(0);
        expect(frontierNodes(graph, i + 1), `${record.question.slice(0, 40)}… step ${i + 1}`).toContain(node);
      }
    }
  });
});
