import { MULTILABEL_LABELS } from '@beyond-ntp/synth-tasks';
import { LabelOrder } from '@beyond-ntp/target-reorder-mi';
import { describe, expect, it } from 'vitest';
import { encodeLabelled, labelSamples, multilabelSplit, scoreLabels } from './multilabel-task.js';
import { toRows } from './rows.js';

const split = multilabelSplit({ trainCount: 300, testCount: 40 });
const reverse = new LabelOrder({ labels: MULTILABEL_LABELS, order: [7, 6, 5, 4, 3, 2, 1, 0] });
const ids = (...labels: string[]) => labels.map((l) => split.labelIds.get(l) as number);

describe('multi-label data through tokenization', () => {
  it('prompt decodes to the text; targets are the labels in emission order, then <eos>; invert restores them', () => {
    for (const record of [...split.train.slice(0, 30), ...split.test]) {
      const { prompt, target } = encodeLabelled(split, record, reverse);
      expect(prompt.at(-1)).toBe(split.sepId);
      expect(split.tokenizer.decode(prompt.slice(0, -1))).toBe(record.text);
      expect(target.at(-1)).toBe(split.eosId);
      const names = split.tokenizer.decode(target.slice(0, -1)).match(/<[a-z]+>/g) ?? [];
      const emitted = names.map((n) => n.slice(1, -1));
      expect(emitted).toEqual([...record.labels].reverse());
      expect(reverse.invert(emitted)).toEqual(record.labels);
      expect(prompt.length + target.length).toBeLessThanOrEqual(split.maxLength);
    }
  });

  it('the loss mask covers the labels and <eos> only', () => {
    const record = split.train.find((r) => r.labels.length >= 2) ?? split.train[0];
    if (record === undefined) throw new Error('no training record');
    const example = encodeLabelled(split, record, reverse);
    const rows = toRows({ examples: [example], length: split.maxLength, padId: split.padId });
    const mask = rows.mask[0] ?? [];
    const scored = (rows.ids[0] ?? []).filter((_, j) => mask[j] === 1);
    expect(scored).toEqual(example.target);
  });

  it('MI samples: one presence flag per canonical label', () => {
    const [sample] = labelSamples(split);
    const record = split.train[0];
    expect(sample?.target).toEqual(MULTILABEL_LABELS.map((l) => record?.labels.includes(l)));
  });
});

describe('scoreLabels reads label sets', () => {
  const records = [
    { task: 'multilabel' as const, split: 'test' as const, text: 'x', labels: ['food', 'music', 'home'] },
    { task: 'multilabel' as const, split: 'test' as const, text: 'y', labels: ['sport', 'outdoors'] },
  ];

  it('order does not matter; output after <eos> is ignored; a repeated label counts once', () => {
    const emitted = [
      [...ids('home', 'music', 'food', 'music'), split.eosId, ...ids('animals')],
      [...ids('outdoors', 'sport'), split.eosId],
    ];
    const score = scoreLabels({ split, records, emitted, transform: reverse });
    expect(score.exactMatch).toBe(1);
    expect(score.microF1).toBe(1);
  });

  it('a missing and an extra label, worked by hand', () => {
    // Record 1: {food, music} → tp 2, fn 1 (home). Record 2: {sport, outdoors, travel} with no <eos> → fp 1.
    const emitted = [[...ids('music', 'food'), split.eosId], ids('sport', 'outdoors', 'travel')];
    const score = scoreLabels({ split, records, emitted, transform: reverse });
    expect(score.exactMatch).toBe(0);
    expect(score.microF1).toBeCloseTo((2 * 4) / (2 * 4 + 1 + 1), 12);
  });
});
