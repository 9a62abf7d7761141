import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from './train-command.js';

// The README quotes a committed run; its numbers and sample must be those of the committed files.
const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const readme = read('../README.md');
const summary = JSON.parse(read('../results/gpl-3/summary.json')) as RunSummary;
const grouped = (n: number) => n.toLocaleString('en-US');

describe('README', () => {
  it('quotes the committed run', () => {
    expect(summary.text.path).toBe('/usr/share/common-licenses/GPL-3');
    expect(readme).toContain(`(${grouped(summary.text.characters)} characters)`);
    expect(readme).toContain(
      `| tokens | ${summary.tokenizer.vocabSize} characters; ${grouped(summary.tokens.train)} training and ` +
        `${grouped(summary.tokens.heldOut)} held-out ids |`,
    );
    expect(readme).toContain(`| model | ${grouped(summary.parameters)} parameters |`);
    expect(readme).toContain(`| ${summary.trainLoss.toFixed(4)} nats per character |`);
    expect(summary.bestHeldOut.step).toBe(summary.step);
    expect(readme).toContain(
      `| held-out loss at step ${summary.step} (the lowest) | ${summary.heldOutLoss.toFixed(4)} nats per character |`,
    );
    expect(readme).toContain(`(${Math.round(summary.updateSeconds)} s in the updates themselves)`);
    expect(readme).toContain(
      `ln ${summary.tokenizer.vocabSize} = ${Math.log(summary.tokenizer.vocabSize).toFixed(2)}`,
    );
    const log = read('../results/gpl-3/train.log');
    expect(log).toContain(
      `done      step ${summary.step}: train loss ${summary.trainLoss.toFixed(4)}, ` +
        `held-out ${summary.heldOutLoss.toFixed(4)} (best ${summary.heldOutLoss.toFixed(4)} at step ${summary.step}), ` +
        '8m 05s this session',
    );
    expect(readme).toContain('8 min 05 s of wall');
  });

  it('shows the committed sample', () => {
    const sample = read('../results/gpl-3/sample.txt');
    expect(readme).toContain(`\`\`\`text\n${sample}\`\`\``);
  });
});
